/**
 * The fake's model folders against the recordings (internal-folder-paths.json, experiment-models.json, README's
 * "Model folders"): the same folder names, order and number of folders each, no /api alias for the internal
 * route, and files that show on the next request once they are on disk (never a `.part`).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect } from 'vitest';
import { ComfyClient } from '@core/comfy/protocol/client';
import { ExperimentModelsSchema, FolderPathsSchema } from '@core/comfy/protocol/http-schemas';
import { it } from '@test/helpers/fixtures';
import { readFixture } from './index';
import { call } from './test-helpers';

const recordedPaths = readFixture<Record<string, string[]>>('internal-folder-paths.json');
const recordedExperiment = readFixture<Array<{ name: string; folders: string[] }>>('experiment-models.json');

const clients: ComfyClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

describe('fake ComfyUI model folders', () => {
  it('reports folder paths and experiment folders shaped as the recordings', async ({ startComfy, tempDir }) => {
    const modelsDir = path.join(tempDir(), 'models');
    const fake = await startComfy({ modelsDir });
    const paths = (await call(fake, 'GET', '/internal/folder_paths')).json as Record<string, string[]>;
    expect(Object.keys(paths)).toEqual(Object.keys(recordedPaths));
    for (const [name, dirs] of Object.entries(recordedPaths)) expect(paths[name], name).toHaveLength(dirs.length);
    expect(paths['checkpoints']![0]).toBe(path.join(modelsDir, 'checkpoints'));
    // Legacy folders first, as folder_paths.py lists them.
    expect(paths['diffusion_models']!.slice(0, 2)).toEqual([
      path.join(modelsDir, 'unet'),
      path.join(modelsDir, 'diffusion_models'),
    ]);
    expect(paths['text_encoders']!.slice(0, 2)).toEqual([
      path.join(modelsDir, 'text_encoders'),
      path.join(modelsDir, 'clip'),
    ]);
    // Internal: no /api alias.
    expect((await call(fake, 'GET', '/api/internal/folder_paths')).status).toBe(404);

    const experiment = (await call(fake, 'GET', '/api/experiment/models')).json as typeof recordedExperiment;
    expect(experiment.map((f) => f.name)).toEqual(recordedExperiment.map((f) => f.name));
    expect(experiment.map((f) => f.folders.length)).toEqual(recordedExperiment.map((f) => f.folders.length));
    // The client's schemas read both answers, and the recordings themselves.
    expect(FolderPathsSchema.parse(recordedPaths)).toEqual(recordedPaths);
    expect(ExperimentModelsSchema.parse(recordedExperiment)['loras']).toEqual(recordedPaths['loras']);
  });

  it('lists a file on the next request once it is on disk, never a .part, and forgets a removed one', async ({
    startComfy,
    tempDir,
  }) => {
    const modelsDir = path.join(tempDir(), 'models');
    const fake = await startComfy({ modelsDir, models: { checkpoints: ['named-only.safetensors'] } });
    const ckptChoices = async () => {
      const info = (await call(fake, 'GET', '/api/object_info/CheckpointLoaderSimple')).json as {
        CheckpointLoaderSimple: { input: { required: { ckpt_name: [string[]] } } };
      };
      return info.CheckpointLoaderSimple.input.required.ckpt_name[0];
    };
    expect((await call(fake, 'GET', '/api/models/checkpoints')).json).toEqual(['named-only.safetensors']);

    writeFileSync(path.join(modelsDir, 'checkpoints', 'acc-tiny.safetensors'), Buffer.alloc(1024));
    writeFileSync(path.join(modelsDir, 'checkpoints', 'half.safetensors.part'), Buffer.alloc(10));
    mkdirSync(path.join(modelsDir, 'checkpoints', 'sdxl'));
    writeFileSync(path.join(modelsDir, 'checkpoints', 'sdxl', 'juggernaut.safetensors'), Buffer.alloc(8));
    expect((await call(fake, 'GET', '/api/models/checkpoints')).json).toEqual([
      'acc-tiny.safetensors',
      'named-only.safetensors',
      'sdxl/juggernaut.safetensors',
    ]);
    expect(await ckptChoices()).toEqual([
      'acc-tiny.safetensors',
      'named-only.safetensors',
      'sdxl/juggernaut.safetensors',
    ]);
    const listed = (await call(fake, 'GET', '/api/experiment/models/checkpoints')).json as Array<
      Record<string, unknown>
    >;
    expect(listed.find((f) => f['name'] === 'acc-tiny.safetensors')).toMatchObject({ pathIndex: 0, size: 1024 });
    expect(Object.keys(listed[0]!).sort()).toEqual(['created', 'modified', 'name', 'pathIndex', 'size']);
    expect((await call(fake, 'GET', '/api/experiment/models/nope')).status).toBe(404);
    expect((await call(fake, 'GET', '/api/models/nope')).status).toBe(404);

    // diffusion_models reads models/unet too (its first folder).
    writeFileSync(path.join(modelsDir, 'unet', 'flux1-dev.safetensors'), Buffer.alloc(4));
    expect((await call(fake, 'GET', '/api/models/diffusion_models')).json).toEqual(['flux1-dev.safetensors']);

    rmSync(path.join(modelsDir, 'checkpoints', 'acc-tiny.safetensors'));
    expect(await ckptChoices()).not.toContain('acc-tiny.safetensors');
  });

  it('reports the paths of its own machine when told to (a ComfyUI in Docker), and the client reads them', async ({
    startComfy,
    tempDir,
  }) => {
    const elsewhere = path.join(tempDir(), 'not-on-this-machine', 'models');
    const fake = await startComfy({ reportedModelsDir: elsewhere });
    const client = new ComfyClient({ url: fake.url });
    clients.push(client);
    const paths = await client.folderPaths();
    expect(paths?.['loras']?.[0]).toBe(path.join(elsewhere, 'loras'));
    // The files are still read from the real folder.
    writeFileSync(path.join(fake.dataDir, 'models', 'loras', 'style.safetensors'), Buffer.alloc(3));
    expect(await client.models('loras')).toEqual(['style.safetensors']);
  });
});
