/**
 * The fault checklist of issue 11 ("What it must show"): one test per thing that goes wrong between installing
 * ComfyDesk and a first image, each through the core API and the health checks the way the UI calls them, each
 * asserting a message a person can act on — it names the fix, with no stack trace and no raw code — and, where a
 * button exists, the machine-readable fix the Health page draws as that button.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect } from 'vitest';
import type { ApiError } from '@shared/api';
import { nodeFsProbe } from '@core/comfy/launch/install';
import { it } from '@test/helpers/fixtures';
import { Perm } from '@test/fakes/discord';
import { catalogEntry, downloadIn, refusedWith, startWorld } from '@test/core/models/harness';
import { makeFakeInstall } from '@test/core/comfy/launch/supervisor-helpers';
import { BUNDLED_DIR } from '@test/core/workflows/helpers';
import type { Core } from '@core/app';
import { checkOf, closedPort, discordWorld, expectReadable, notComfy, shown, takenPort } from './fault-helpers';

const hasPython = spawnSync('python3', ['--version'], { stdio: 'ignore' }).status === 0;
const SDXL = 'sd_xl_base_1.0.safetensors';
const failed = async (call: Promise<unknown>): Promise<ApiError> => (await refusedWith(call)) as ApiError;

describe('faults: ComfyUI', () => {
  it('no ComfyUI found: health says how to get one and offers Settings', async ({ startCore }) => {
    const core = await startCore();
    const report = await core.api.call('health.run', {});
    const found = checkOf(report, 'comfy-found');
    expect(found).toMatchObject({ status: 'fail', fixes: [{ kind: 'open-settings' }] });
    expect(report.results[0]!.id).toBe('comfy-found');
    expectReadable(shown(found), 'No ComfyUI found', 'Choose your ComfyUI folder', 'Settings → ComfyUI', 'comfy.org');
  });

  it('a URL that is not ComfyUI is refused, naming the port to check', async ({ startCore, defer }) => {
    const core = await startCore();
    const url = await notComfy(defer);
    const err = await failed(core.api.call('backends.add', { url }));
    expect(err.code).toBe('bad_request');
    expectReadable(err.message, 'is not ComfyUI', 'Check the port', '8188');
    expect(core.comfy.summaries()).toEqual([]);
  });

  it('the chosen folder has no main.py: refused, naming the folder to choose', async ({ startCore, tempDir }) => {
    const core = await startCore();
    const empty = tempDir('not-comfy-');
    writeFileSync(path.join(empty, 'readme.txt'), 'not ComfyUI');
    const err = await failed(core.api.call('comfy.setLaunchSettings', { launchPath: empty }));
    expectReadable(err.message, `No ComfyUI found in ${empty}`, 'choose the folder that holds main.py');
    expect((await core.api.call('comfy.launchSettings', {})).launchPath).toBeNull();
  });

  it('no usable Python: the start and the health check say to install Python or make a venv', async ({
    makeCore,
    defer,
  }) => {
    const install = await makeFakeInstall();
    defer(() => install.cleanup());
    const core = makeCore({
      comfy: { launcher: { installEnv: { platform: process.platform, fs: nodeFsProbe, pathDirs: [] } } },
    });
    await core.start();
    await core.api.call('comfy.setLaunchSettings', { launchPath: install.comfyDir });
    const err = await failed(core.api.call('comfy.start', {}));
    expect(err.code).toBe('unavailable');
    expectReadable(err.message, 'No Python found', 'Install Python 3.10 or newer', 'python3 -m venv venv');
    const launcher = checkOf(await core.api.call('health.run', {}), 'launcher');
    expect(launcher.status).toBe('fail');
    expect(launcher.fixes).toEqual([{ kind: 'start-comfy' }, { kind: 'open-settings' }]);
    expectReadable(shown(launcher), 'No Python found', 'start it again');
  });

  it.skipIf(!hasPython)(
    'ComfyUI exits during start: the fix, then its last log lines, in the error and in health',
    async ({ makeCore, defer }) => {
      const install = await makeFakeInstall();
      defer(() => install.cleanup());
      const core = makeCore({ comfy: { launcher: { pollIntervalMs: 0, env: { FAKE_PLAN: 'exit-early' } } } });
      await core.start();
      await core.api.call('comfy.setLaunchSettings', { launchPath: install.comfyDir });
      const err = await failed(core.api.call('comfy.start', {}));
      expectReadable(err.message, "cannot find the module 'torch'", /-m pip install -r "[^"]*requirements\.txt"/);
      // The last lines ComfyUI printed follow the summary.
      expect(err.message).toMatch(/\nLast output:\n[\s\S]*ComfyUI version: 0\.3\.64[\s\S]*No module named 'torch'/);
      const launcher = checkOf(await core.api.call('health.run', {}), 'launcher');
      expect(launcher).toMatchObject({ status: 'fail', fixes: [{ kind: 'start-comfy' }, { kind: 'open-settings' }] });
      expect(launcher.details).toContain("No module named 'torch'");
    },
  );

  it.skipIf(!hasPython)(
    'the port is taken: says another program holds it and what to do',
    async ({ makeCore, defer }) => {
      const install = await makeFakeInstall();
      defer(() => install.cleanup());
      const port = await takenPort(defer);
      const core = makeCore({
        comfy: { launcher: { port, pollIntervalMs: 0, env: { FAKE_SERVE: '1', FAKE_READY_DELAY: '0' } } },
      });
      await core.start();
      await core.api.call('comfy.setLaunchSettings', { launchPath: install.comfyDir });
      const err = await failed(core.api.call('comfy.start', {}));
      expectReadable(
        err.message,
        `Port ${port} is already in use by another program`,
        `Stop the program using port ${port}`,
        'Settings → ComfyUI',
      );
    },
  );

  it('ComfyUI stops answering: health names the address and offers Refresh', async ({ startComfy, startCore }) => {
    const comfy = await startComfy();
    const core = await startCore({ comfyUrl: comfy.url });
    await comfy.crash();
    const report = await core.api.call('health.run', {});
    const api = checkOf(report, 'api');
    expect(api.status).toBe('fail');
    expect(api.fixes).toEqual([{ kind: 'open-settings' }, { kind: 'refresh-backend', backendId: report.backendId }]);
    expectReadable(shown(api), `No answer from ${comfy.url}`, 'Start ComfyUI at that address', 'Settings → ComfyUI');
  });
});

describe('faults: models and workflows', () => {
  it('a model missing: named, with Download (then it runs) and Choose a file (then it runs)', async ({
    startComfy,
    startCore,
    tempDir,
    defer,
  }) => {
    const w = await startWorld(
      { startComfy, startCore, tempDir, defer },
      {
        catalog: (host) => [
          catalogEntry(
            host.add({ path: `/stabilityai/sdxl/resolve/main/${SDXL}`, size: 300_000 }),
            'checkpoints',
            SDXL,
          ),
        ],
      },
    );
    const sdxl = () => w.core.api.call('health.run', {}).then((r) => checkOf(r, 'workflow:sdxl-txt2img'));
    const missing = await sdxl();
    expect(missing.status).toBe('fail');
    expectReadable(
      shown(missing),
      `Missing model: ${SDXL} (checkpoints)`,
      'Download it',
      `put ${SDXL} in ComfyUI/models/checkpoints/`,
    );
    const download = missing.fixes.find((f) => f.kind === 'download');
    expect(download).toEqual({
      kind: 'download',
      backendId: w.backendId,
      folder: 'checkpoints',
      file: SDXL,
      bytes: 300_000,
    });
    expect(missing.fixes).toContainEqual({ kind: 'refresh-backend', backendId: w.backendId });

    // Download, the way the button does it: the check passes once the file is there.
    const d = await w.core.api.call('downloads.start', {
      backendId: w.backendId,
      entry: { folder: 'checkpoints', file: SDXL },
    });
    expect((await downloadIn(w.core, d.id, ['done', 'failed'])).state).toBe('done');
    expect((await sdxl()).status).toBe('ok');

    // Another file chosen instead of the missing default ("Choose a file"): saved as the workflow's model setting.
    await w.core.api.call('settings.set', { models: { 'models.sdxl.checkpoint': 'gone.safetensors' } });
    const other = await sdxl();
    const choose = other.fixes.find((f) => f.kind === 'choose-model');
    expect(choose).toMatchObject({
      setting: 'models.sdxl.checkpoint',
      folder: 'checkpoints',
      file: 'gone.safetensors',
    });
    expect(shown(other)).toContain('Choose the one file this ComfyUI has in checkpoints');
    await w.core.api.call('settings.set', { models: { 'models.sdxl.checkpoint': SDXL } });
    expect((await sdxl()).status).toBe('ok');
  });

  it('a node class missing: the import review and health name the class and how to install it', async ({
    comfy,
    startCore,
  }) => {
    const core = await startCore({ comfyUrl: comfy.url, workflowsDir: BUNDLED_DIR });
    const graph = {
      '1': { class_type: 'LoadImage', inputs: { image: 'in.png' } },
      '2': { class_type: 'SuperResolutionX', inputs: { image: ['1', 0], scale: 4 }, _meta: { title: 'Sharpen 4x' } },
      '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'x' } },
    };
    const proposal = await core.api.call('workflows.propose', {
      fileName: 'sharpen.json',
      text: JSON.stringify(graph),
    });
    expect(proposal.missing.nodeClasses).toEqual(['SuperResolutionX']);
    expect(proposal.problems.find((p) => p.classType === 'SuperResolutionX')?.message).toContain(
      "unknown node class 'SuperResolutionX' (not installed on this backend)",
    );
    await core.api.call('workflows.import', { manifest: proposal.manifest, workflow: proposal.workflow });
    const check = checkOf(await core.api.call('health.run', {}), `workflow:${proposal.manifest.id}`);
    expect(check.status).toBe('fail');
    expectReadable(shown(check), 'Missing node type: SuperResolutionX', 'Install the custom nodes', 'ComfyUI-Manager');
    expect(check.fixes).toContainEqual({ kind: 'refresh-backend', backendId: expect.any(String) });
  });

  it('an editor-format workflow with a class ComfyUI lacks: names it and says how to export the API format', async ({
    core,
  }) => {
    const ui = { nodes: [{ id: 1, type: 'FancyNode', mode: 0, widgets_values: [1] }], links: [], version: 0.4 };
    const err = await failed(core.api.call('workflows.propose', { fileName: 'ui.json', text: JSON.stringify(ui) }));
    expectReadable(err.message, 'the node class FancyNode', 'ComfyUI-Manager', 'Export (API)');
  });

  it('disk full: refused before the first byte, saying how much to free', async ({
    startComfy,
    startCore,
    tempDir,
    defer,
  }) => {
    const w = await startWorld(
      { startComfy, startCore, tempDir, defer },
      {
        catalog: (host) => [
          catalogEntry(
            host.add({ path: '/o/r/resolve/main/big.safetensors', size: 9_000_000 }),
            'vae',
            'big.safetensors',
          ),
        ],
        tuning: { freeSpace: () => Promise.resolve(1_000_000) },
      },
    );
    const err = await failed(w.core.api.call('downloads.start', { entry: { folder: 'vae', file: 'big.safetensors' } }));
    expect(err.code).toBe('limit');
    expectReadable(err.message, 'Not enough free space', 'Free up', 'then start the download again');
    expect(w.host.requests).toEqual([]);
  });

  it('the model host unreachable: named, with what to check and that the part is kept', async ({
    startComfy,
    startCore,
    tempDir,
    defer,
  }) => {
    const w = await startWorld({ startComfy, startCore, tempDir, defer }, { tuning: { retryDelaysMs: [0] } });
    const closed = await closedPort();
    const d = await w.core.api.call('downloads.start', {
      url: `http://127.0.0.1:${closed}/m.safetensors`,
      folder: 'vae',
    });
    const done = await downloadIn(w.core, d.id, ['done', 'failed']);
    expect(done.error?.kind).toBe('unreachable');
    expectReadable(done.error!.message, 'Check the internet connection', 'The part already downloaded is kept');
  });

  it('a gated model without a token: says which token, where to get it and where to paste it', async ({
    startComfy,
    startCore,
    tempDir,
    defer,
  }) => {
    const w = await startWorld(
      { startComfy, startCore, tempDir, defer },
      {
        catalog: (host) => [
          catalogEntry(
            host.add({
              path: '/bfl/FLUX.1-dev/resolve/main/flux1-dev.safetensors',
              size: 10_000,
              token: 'hf_0123456789abcdefXYZ',
            }),
            'diffusion_models',
            'flux1-dev.safetensors',
            { gated: true },
          ),
        ],
      },
    );
    const d = await w.core.api.call('downloads.start', {
      entry: { folder: 'diffusion_models', file: 'flux1-dev.safetensors' },
    });
    const done = await downloadIn(w.core, d.id, ['done', 'failed']);
    expect(done.error?.kind).toBe('auth');
    expectReadable(
      done.error!.message,
      'needs a Hugging Face token',
      'huggingface.co/settings/tokens',
      'Settings → Model downloads',
    );
  });
});

describe('faults: Discord', () => {
  it('a malformed token is refused before it is stored, saying where to copy it from', async ({ startCore }) => {
    const core = await startCore();
    const err = await failed(core.api.call('bot.setToken', { token: 'my-client-secret' }));
    expect(err.code).toBe('bad_request');
    expectReadable(err.message, 'That is not a bot token', 'Developer Portal', 'Reset Token');
    expect((await core.api.call('bot.status', {})).hasToken).toBe(false);
  });

  it('a token Discord rejects: the bot says so and health offers the bot page', async ({ startCore, defer }) => {
    const { core, discord } = await discordWorld({ startCore, defer });
    await core.api.call('bot.setToken', { token: `${discord.token.slice(0, -4)}AAAA` });
    const state = await core.api.call('bot.start', {});
    expect(state.status).toBe('error');
    const token = checkOf(await core.api.call('health.run', {}), 'discord-token');
    expect(token).toMatchObject({ status: 'fail', fixes: [{ kind: 'open-bot' }] });
    expectReadable(shown(token), 'Discord refused the token', 'Reset Token', 'Discord bot page');
  });

  it('the bot lacks a permission in the channel it was used in: names the channel and the permission', async ({
    startComfy,
    startCore,
    defer,
    equippedModels,
  }) => {
    const comfy = await startComfy({ models: equippedModels, script: { hold: true } });
    const { core, discord } = await discordWorld(
      { startCore, defer },
      {
        guilds: [
          {
            name: 'Studio',
            owner: 'owner',
            channels: [
              { name: 'art' },
              { name: 'locked', overwrites: [{ target: 'ComfyDesk', type: 'member', deny: Perm.AttachFiles }] },
            ],
            members: [{ user: 'owner' }, { user: 'alice' }],
          },
        ],
      },
      comfy.url,
    );
    await core.api.call('bot.setToken', { token: discord.token });
    expect((await core.api.call('bot.start', {})).status).toBe('online');
    const handle = discord.interactions.slash({
      name: 'generate',
      user: 'alice',
      channel: 'locked',
      options: { prompt: 'a fox' },
    });
    await handle.waitForCallback();
    await jobIn(core, discord.channel('locked').id);
    const perms = checkOf(await core.api.call('health.run', {}), 'discord-permissions');
    expect(perms.status).toBe('fail');
    expectReadable(
      shown(perms),
      '#locked in Studio',
      'may not Attach Files',
      'Edit Channel → Permissions',
      'allow the bot’s role Attach Files',
    );
  });

  it('the bot is in no server: says to use the invite link on the bot page', async ({ startCore, defer }) => {
    const { core, discord } = await discordWorld({ startCore, defer }, { guilds: [] });
    await core.api.call('bot.setToken', { token: discord.token });
    expect((await core.api.call('bot.start', {})).status).toBe('online');
    const guilds = checkOf(await core.api.call('health.run', {}), 'discord-guilds');
    expect(guilds).toMatchObject({ status: 'fail', fixes: [{ kind: 'open-bot' }] });
    expectReadable(shown(guilds), 'in no server', 'invite link on the Discord bot page');
  });
});

/** Resolves once a job from that Discord channel is stored (now, or at its next change). */
function jobIn(core: Core, channelId: string): Promise<void> {
  return new Promise((resolve) => {
    const off = core.events.on('job.changed', (job) => {
      if (job.channelId === channelId) {
        off();
        resolve();
      }
    });
    if (core.store.jobs.list({ limit: 20 }).some((j) => j.channelId === channelId)) {
      off();
      resolve();
    }
  });
}
