/** File names from hosts (RFC 6266 / RFC 8187) and pasted links turned into download links. */
import { describe, expect, it } from 'vitest';
import { chooseFileName, extensionNote, nameFromDisposition, safeFileName } from '@core/models/file-name';
import { DEFAULT_SERVICE_HOSTS, huggingfaceRepoPage, normalizeLink, serviceOf } from '@core/models/hosts';
import { formatBytes } from '@core/models/download-errors';
import { parseContentRange } from '@core/models/http-get';

describe('file names', () => {
  it('reads Content-Disposition as RFC 6266 says, filename* first', () => {
    expect(nameFromDisposition('attachment; filename="model.safetensors"')).toBe('model.safetensors');
    expect(nameFromDisposition('attachment; filename=model.ckpt')).toBe('model.ckpt');
    expect(
      nameFromDisposition(`inline; filename*=UTF-8''flux1-dev.safetensors; filename="flux1-dev.safetensors";`),
    ).toBe('flux1-dev.safetensors');
    expect(nameFromDisposition(`attachment; filename="EURO rates"; filename*=utf-8''%e2%82%ac%20rates.pth`)).toBe(
      '€ rates.pth',
    );
    expect(nameFromDisposition(`attachment; filename*=iso-8859-1'en'%A3%20rates.pt`)).toBe('£ rates.pt');
    expect(nameFromDisposition('attachment; filename="a \\"quoted\\" name.bin"')).toBe('a _quoted_ name.bin');
    // ComfyUI's own /view sends no disposition type.
    expect(nameFromDisposition('filename="ComfyUI_00001_.png"')).toBe('ComfyUI_00001_.png');
    expect(nameFromDisposition('attachment')).toBeNull();
    expect(nameFromDisposition(undefined)).toBeNull();
  });

  it('keeps only a safe file name: no folders, no control characters, no reserved names', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('C:\\Windows\\evil.dll')).toBe('evil.dll');
    expect(safeFileName('..')).toBeNull();
    expect(safeFileName('  .hidden.safetensors.  ')).toBe('hidden.safetensors');
    expect(safeFileName('a\u0000b<c>:d|e?.pth')).toBe('ab_c__d_e_.pth');
    expect(safeFileName('con.safetensors')).toBe('_con.safetensors');
    const long = safeFileName(`${'é'.repeat(200)}.safetensors`)!;
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(255);
    expect(long.endsWith('.safetensors')).toBe(true);
  });

  it('falls back to the asked link, then to the answering address, when the host names nothing', () => {
    const asked = new URL('https://huggingface.co/o/r/resolve/main/sub/model%20v2.safetensors?download=true');
    const cdn = new URL('https://cdn.example/blobs/abc123');
    expect(chooseFileName(undefined, asked, cdn)).toBe('model v2.safetensors');
    const civitai = new URL('https://civitai.com/api/download/models/123');
    expect(chooseFileName(undefined, civitai, new URL('https://b2.example/file/x/style.safetensors'))).toBe(
      'style.safetensors',
    );
    expect(chooseFileName(undefined, civitai, cdn)).toBe('123');
    expect(extensionNote('123')).toContain('123 will not show there');
    expect(extensionNote('model.GGUF')).toBeNull();
  });
});

describe('links and hosts', () => {
  const hosts = DEFAULT_SERVICE_HOSTS;

  it('turns file and model pages into download links', () => {
    expect(normalizeLink('https://huggingface.co/Comfy-Org/flux1-dev/blob/main/flux1-dev.safetensors', hosts)).toEqual({
      ok: true,
      url: 'https://huggingface.co/Comfy-Org/flux1-dev/resolve/main/flux1-dev.safetensors',
    });
    expect(normalizeLink('https://civitai.com/models/4201/realistic-vision?modelVersionId=501240', hosts)).toEqual({
      ok: true,
      url: 'https://civitai.com/api/download/models/501240',
    });
    expect(normalizeLink('https://civitai.com/models/4201/realistic-vision', hosts)).toEqual({
      ok: true,
      url: null,
      civitaiModel: { origin: 'https://civitai.com', id: 4201 },
    });
    expect(normalizeLink('https://example.com/any/file.safetensors', hosts)).toEqual({
      ok: true,
      url: 'https://example.com/any/file.safetensors',
    });
  });

  it('refuses links that carry a secret or are not http(s)', () => {
    const withKey = normalizeLink('https://civitai.com/api/download/models/1?token=abc', hosts);
    expect(withKey).toMatchObject({
      ok: false,
      message: expect.stringContaining('paste the token in Settings → Model downloads'),
    });
    expect(normalizeLink('https://user:pw@example.com/x', hosts)).toMatchObject({ ok: false });
    expect(normalizeLink('ftp://example.com/x', hosts)).toMatchObject({
      ok: false,
      message: expect.stringContaining('ftp:'),
    });
    expect(normalizeLink('not a link', hosts)).toMatchObject({
      ok: false,
      message: expect.stringContaining('is not a link'),
    });
  });

  it('knows each service by its host only', () => {
    expect(serviceOf(new URL('https://huggingface.co/x'), hosts)).toBe('huggingface');
    expect(serviceOf(new URL('https://cdn-lfs.huggingface.co/x'), hosts)).toBeNull();
    expect(serviceOf(new URL('https://www.civitai.com/x'), hosts)).toBe('civitai');
    expect(
      huggingfaceRepoPage(new URL('https://huggingface.co/black-forest-labs/FLUX.1-dev/resolve/main/ae.safetensors')),
    ).toBe('https://huggingface.co/black-forest-labs/FLUX.1-dev');
  });

  it('reads Content-Range and writes sizes for people', () => {
    expect(parseContentRange('bytes 100-199/1000')).toEqual({ start: 100, end: 199, total: 1000 });
    expect(parseContentRange('bytes 100-199/*')).toEqual({ start: 100, end: 199, total: null });
    expect(parseContentRange('bytes 200-100/1000')).toBeNull();
    expect(parseContentRange('bytes */1000')).toBeNull();
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(6_938_078_334)).toBe('6.94 GB');
    expect(formatBytes(23_802_932_552)).toBe('23.8 GB');
  });
});
