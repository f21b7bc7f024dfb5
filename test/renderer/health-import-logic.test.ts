/** The Health page's and the import's plain logic: row order, counts, fix identities and labels, PNG metadata. */
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { HealthCheckResult, HealthFix } from '@shared/api/health';
import { countChecks, fixKey, fixLabel, mergeCheck, sortChecks } from '../../renderer/src/stores/health-logic';
import { bytesToBase64, isPngBytes, pngMetadataOnly } from '../../renderer/src/lib/png-metadata';
import { pngTextChunks } from '@core/workflows/png-prompt';
import { makePng } from '@test/fakes/comfyui/images';

const check = (id: string, status: HealthCheckResult['status']): HealthCheckResult => ({
  id,
  title: id,
  status,
  details: '',
  fixHint: '',
  fixes: [],
  durationMs: 1,
});

describe('health rows', () => {
  it('puts failures first, then warnings, then passes, keeping the order within each', () => {
    const rows = [check('a', 'ok'), check('b', 'fail'), check('c', 'warn'), check('d', 'fail'), check('e', 'ok')];
    expect(sortChecks(rows).map((r) => r.id)).toEqual(['b', 'd', 'c', 'a', 'e']);
    expect(countChecks(rows)).toEqual({ fail: 2, warn: 1, ok: 2 });
  });

  it('a streamed result replaces its row (which moves up or down with its status) or joins the list', () => {
    const rows = sortChecks([check('a', 'fail'), check('b', 'ok')]);
    expect(mergeCheck(rows, check('a', 'ok')).map((r) => `${r.id}:${r.status}`)).toEqual(['a:ok', 'b:ok']);
    expect(mergeCheck(rows, check('c', 'warn')).map((r) => r.id)).toEqual(['a', 'c', 'b']);
  });

  it('names each fix for its button and keeps one identity per button', () => {
    const bytes = (n: number) => `${(n / 1e9).toFixed(1)} GB`;
    const download: HealthFix = {
      kind: 'download',
      backendId: 'b1',
      folder: 'checkpoints',
      file: 'x.safetensors',
      bytes: 6.9e9,
    };
    expect(fixLabel(download, bytes)).toBe('Download x.safetensors (6.9 GB)');
    expect(fixLabel({ kind: 'refresh-backend', backendId: 'b1' }, bytes)).toBe('Refresh this backend');
    expect(fixLabel({ kind: 'start-comfy' }, bytes)).toBe('Start ComfyUI');
    expect(fixLabel({ kind: 'open-settings' }, bytes)).toBe('Open settings');
    const keys = [
      download,
      { ...download, file: 'y.safetensors' },
      { kind: 'refresh-backend', backendId: 'b1' },
      { kind: 'refresh-backend', backendId: 'b2' },
      { kind: 'choose-model', backendId: 'b1', workflowId: 'w', setting: 'models.w.a', folder: 'vae', file: 'v' },
    ] as HealthFix[];
    expect(new Set(keys.map(fixKey)).size).toBe(keys.length);
  });
});

describe('a ComfyUI PNG sent for import', () => {
  it('keeps the header and the text chunks, drops the pixels', async () => {
    const prompt = JSON.stringify({ '1': { class_type: 'SaveImage', inputs: {} } });
    const png = await makePng(512, 512, 3, 0, { prompt, workflow: '{"nodes":[],"links":[]}' }, 'noise');
    const small = pngMetadataOnly(new Uint8Array(png));
    expect(isPngBytes(small)).toBe(true);
    expect(small.length).toBeLessThan(png.length / 10);
    expect(pngTextChunks(small).get('prompt')).toBe(prompt);
    expect(Buffer.from(bytesToBase64(small), 'base64')).toEqual(Buffer.from(small));
    const notPng = new Uint8Array(deflateSync(Buffer.from('hello')));
    expect(pngMetadataOnly(notPng)).toBe(notPng);
  });
});
