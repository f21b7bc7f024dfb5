import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWorkflowDir, WorkflowRegistry } from '@core/workflows/registry';
import { commitImport, exportWorkflow, MAX_IMPORT_BYTES, proposeImport, removeImport } from '@core/workflows/import';
import { pngTextChunks } from '@core/workflows/png-prompt';
import { tempDirs } from '@test/helpers/temp-dir';
import { BUNDLED_DIR, fixtureObjectInfo } from './helpers';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

const SMOKE = {
  1: { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'm.safetensors' } },
  2: { class_type: 'CLIPTextEncode', inputs: { text: 'hello', clip: ['1', 1] } },
  3: { class_type: 'CLIPTextEncode', inputs: { text: 'bad', clip: ['1', 1] } },
  4: { class_type: 'EmptyLatentImage', inputs: { width: 512, height: 512, batch_size: 1 } },
  5: {
    class_type: 'KSampler',
    inputs: {
      model: ['1', 0],
      seed: 3,
      steps: 10,
      cfg: 5,
      sampler_name: 'euler',
      scheduler: 'normal',
      positive: ['2', 0],
      negative: ['3', 0],
      latent_image: ['4', 0],
      denoise: 1,
    },
  },
  6: { class_type: 'VAEDecode', inputs: { samples: ['5', 0], vae: ['1', 2] } },
  7: { class_type: 'SaveImage', inputs: { images: ['6', 0], filename_prefix: 'x' } },
};

/** A PNG with the given text chunks (tEXt, or compressed iTXt) and no image data worth decoding. */
function pngWith(chunks: Array<{ type: 'tEXt' | 'iTXt'; key: string; text: string }>): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = (crcTable[(c ^ b) & 0xff] as number) ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
  const texts = chunks.map((c) =>
    c.type === 'tEXt'
      ? chunk('tEXt', Buffer.concat([Buffer.from(`${c.key}\0`, 'latin1'), Buffer.from(c.text, 'latin1')]))
      : chunk(
          'iTXt',
          Buffer.concat([Buffer.from(`${c.key}\0\x01\x00\0\0`, 'latin1'), deflateSync(Buffer.from(c.text, 'utf8'))]),
        ),
  );
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...texts,
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('registry loading', () => {
  it('skips broken directories with readable errors and loads the rest', async () => {
    const bundled = dirs.make('wf-bundled-');
    cpSync(path.join(BUNDLED_DIR, 'sdxl-txt2img'), path.join(bundled, 'sdxl-txt2img'), { recursive: true });
    cpSync(path.join(BUNDLED_DIR, 'upscale'), path.join(bundled, 'renamed'), { recursive: true });
    mkdirSync(path.join(bundled, 'broken'));
    const manifest = JSON.parse(readFileSync(path.join(BUNDLED_DIR, 'upscale', 'manifest.json'), 'utf8'));
    manifest.id = 'broken';
    manifest.parameters[0].targets[0].input = 'scale_byy';
    manifest.parameters.push({ name: 'Bad Name', type: 'int', label: 'x', min: 5, max: 1, targets: [] });
    writeFileSync(path.join(bundled, 'broken', 'manifest.json'), JSON.stringify(manifest));
    writeFileSync(
      path.join(bundled, 'broken', 'workflow.json'),
      readFileSync(path.join(BUNDLED_DIR, 'upscale', 'workflow.json')),
    );
    mkdirSync(path.join(bundled, 'nojson'));
    writeFileSync(path.join(bundled, 'nojson', 'manifest.json'), '{ nope');
    writeFileSync(path.join(bundled, 'nojson', 'workflow.json'), '{}');
    mkdirSync(path.join(bundled, 'ui'));
    writeFileSync(path.join(bundled, 'ui', 'manifest.json'), JSON.stringify({ ...manifest, id: 'ui' }));
    writeFileSync(path.join(bundled, 'ui', 'workflow.json'), JSON.stringify({ nodes: [], links: [] }));

    const registry = new WorkflowRegistry({ bundledDir: bundled, importedDir: path.join(bundled, 'does-not-exist') });
    const errors = await registry.load();
    expect(registry.list().map((w) => w.manifest.id)).toEqual(['sdxl-txt2img']);
    const byDir = Object.fromEntries(errors.map((e) => [path.basename(e.dir), e]));
    expect(Object.keys(byDir).sort()).toEqual(['broken', 'nojson', 'renamed', 'ui']);
    expect(byDir.broken!.details).toEqual(
      expect.arrayContaining([
        'parameters[1].name: a parameter name is lower snake case (a-z, 0-9, _), starting with a letter',
        "parameters[1]: parameter 'Bad Name': min 5 is above max 1",
        'parameters[1].targets: a parameter needs at least one target',
      ]),
    );
    expect(byDir.nojson!.message).toMatch(/nojson[/\\]manifest\.json: not valid JSON/);
    expect(byDir.renamed!.details).toEqual(["id 'upscale' does not match its directory name 'renamed'"]);
    expect(byDir.ui!.details[0]).toMatch(/Export \(API\)/);
    expect(registry.errors()).toHaveLength(4);
  });

  it('names a target input the graph does not have', async () => {
    const dir = path.join(dirs.make('wf-one-'), 'upscale');
    cpSync(path.join(BUNDLED_DIR, 'upscale'), dir, { recursive: true });
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    manifest.parameters[0].targets[0].input = 'scale_byy';
    manifest.outputs[0].node = '77';
    manifest.nodeClasses.push('KSampler');
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    const result = await loadWorkflowDir(dir, 'bundled');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.details).toEqual([
        'nodeClasses lists KSampler, which the workflow does not use',
        "parameter 'scale': node 4 (ImageScaleBy) has no input 'scale_byy'",
        'output node 77 is not in the workflow',
      ]);
    }
  });
});

describe('import flow', () => {
  it('proposes from an API JSON, validates against the backend, commits, reloads and removes', async () => {
    const imported = dirs.make('wf-imported-');
    const registry = new WorkflowRegistry({ bundledDir: BUNDLED_DIR, importedDir: imported });
    await registry.load();
    const proposed = proposeImport(
      { fileName: 'SDXL Base.json', content: JSON.stringify(SMOKE) },
      {
        objectInfo: fixtureObjectInfo(),
        models: { checkpoints: ['other.safetensors'] },
        takenIds: registry.list().map((w) => w.manifest.id),
      },
    );
    expect(proposed.ok).toBe(true);
    if (!proposed.ok) return;
    const { manifest, workflow, problems } = proposed.proposal;
    expect(manifest.id).toBe('sdxl-base');
    expect(manifest.title).toBe('SDXL Base');
    expect(manifest.kind).toBe('txt2img');
    expect(problems.map((p) => `${p.kind} ${p.nodeId}.${p.input}`)).toEqual(['missing_model 1.ckpt_name']);

    const edited = { ...manifest, title: 'My SDXL' };
    const committed = await commitImport(registry, edited, workflow);
    expect(committed.ok).toBe(true);
    expect(registry.get('sdxl-base')?.source).toBe('imported');
    expect(readdirSync(imported)).toEqual(['sdxl-base']);

    const again = new WorkflowRegistry({ bundledDir: BUNDLED_DIR, importedDir: imported });
    expect(await again.load()).toEqual([]);
    expect(again.get('sdxl-base')?.manifest.title).toBe('My SDXL');
    expect(again.list().at(-1)?.manifest.id).toBe('sdxl-base');

    // a second import of the same file gets a fresh id
    const second = proposeImport(
      { fileName: 'SDXL Base.json', content: JSON.stringify(SMOKE) },
      { takenIds: again.list().map((w) => w.manifest.id) },
    );
    expect(second.ok && second.proposal.manifest.id).toBe('sdxl-base-2');

    expect(await removeImport(again, 'sdxl-base')).toEqual({ ok: true });
    expect(existsSync(path.join(imported, 'sdxl-base'))).toBe(false);
    expect(again.has('sdxl-base')).toBe(false);
    const bundledRemoval = await removeImport(again, 'sdxl-txt2img');
    expect(bundledRemoval.ok).toBe(false);
  });

  it('refuses a bundled id, an invalid edited manifest, and works without an import dir only by saying so', async () => {
    const imported = dirs.make('wf-imported-');
    const registry = new WorkflowRegistry({ bundledDir: BUNDLED_DIR, importedDir: imported });
    await registry.load();
    const proposal = proposeImport({ fileName: 'a.json', content: JSON.stringify(SMOKE) });
    if (!proposal.ok) throw new Error(proposal.error.message);
    const taken = await commitImport(
      registry,
      { ...proposal.proposal.manifest, id: 'sdxl-txt2img' },
      proposal.proposal.workflow,
    );
    expect(!taken.ok && taken.error.code).toBe('id_taken');
    const invalid = await commitImport(
      registry,
      { ...proposal.proposal.manifest, kind: 'movie' },
      proposal.proposal.workflow,
    );
    expect(!invalid.ok && invalid.error.code).toBe('invalid_manifest');
    expect(!invalid.ok && invalid.error.details?.[0]).toMatch(/^kind: /);
    const noDir = await commitImport(
      new WorkflowRegistry({ bundledDir: BUNDLED_DIR }),
      proposal.proposal.manifest,
      proposal.proposal.workflow,
    );
    expect(!noDir.ok && noDir.error.code).toBe('no_import_dir');
    expect(readdirSync(imported)).toEqual([]);
  });

  it('reads the prompt chunk of a ComfyUI PNG (tEXt and compressed iTXt)', () => {
    const ui = JSON.stringify({ nodes: [], links: [] });
    for (const type of ['tEXt', 'iTXt'] as const) {
      const png = pngWith([
        { type, key: 'workflow', text: ui },
        { type, key: 'prompt', text: JSON.stringify(SMOKE) },
      ]);
      expect(pngTextChunks(png).get('workflow')).toBe(ui);
      const r = proposeImport({ fileName: 'ComfyUI_00001_.png', content: new Uint8Array(png) });
      expect(r.ok && r.proposal.manifest.parameters.find((p) => p.name === 'prompt')?.default).toBe('hello');
      expect(r.ok && r.proposal.manifest.id).toBe('comfyui-00001');
    }
    const bare = proposeImport({ fileName: 'x.png', content: pngWith([]) });
    expect(!bare.ok && bare.error.code).toBe('png_without_prompt');
  });

  it('round-trips a ComfyDesk export, refuses UI format, bad JSON and oversized files', async () => {
    const registry = new WorkflowRegistry({ bundledDir: BUNDLED_DIR });
    await registry.load();
    const text = exportWorkflow(registry.get('wan22-i2v')!);
    const r = proposeImport({ fileName: 'wan.json', content: text }, { takenIds: ['wan22-i2v'] });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.proposal.fromExport).toBe(true);
      expect(r.proposal.manifest.id).toBe('wan22-i2v-2');
      expect(r.proposal.manifest.parameters).toEqual(registry.get('wan22-i2v')!.manifest.parameters);
    }
    const ui = proposeImport({ fileName: 'ui.json', content: JSON.stringify({ nodes: [], links: [], version: 0.4 }) });
    expect(!ui.ok && ui.error.code).toBe('ui_format');
    expect(!ui.ok && ui.error.message).toMatch(/^ui\.json: .*Export \(API\)/);
    const broken = proposeImport({ fileName: 'b.json', content: '{"1":' });
    expect(!broken.ok && broken.error.code).toBe('malformed_json');
    const big = proposeImport({ fileName: 'big.json', content: 'x'.repeat(MAX_IMPORT_BYTES + 1) });
    expect(!big.ok && big.error.code).toBe('too_large');
  });
});
