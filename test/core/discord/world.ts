/**
 * The bot end to end: the real core (createCore: SQLite in a temp dir, jobs engine, library, bundled
 * workflows) on the fake ComfyUI, with the real discord.js client logged in to the fake Discord. Core time is
 * wall time (the engine's timers), Discord's 3 s / 15 min rules run on the fake's ManualClock (advance() it).
 */
import type { Core } from '@core/app';
import { WorkflowRegistry } from '@core/workflows/registry';
import type { Job, JobStatus } from '@shared/jobs';
import type { ModelFolder } from '@shared/workflow-manifest';
import { startFakeComfy, type FakeComfy, type FakeComfyOptions } from '@test/fakes/comfyui';
import {
  ManualClock,
  startFakeDiscord,
  type FakeDiscord,
  type FakeDiscordOptions,
  type InteractionHandle,
  type RecordedCall,
} from '@test/fakes/discord';
import { tempDirs } from '@test/helpers/temp-dir';
import { BUNDLED_DIR, modelListsFor } from '../workflows/helpers';
import { startBotCore } from './boot';

export interface World {
  discord: FakeDiscord;
  comfy: FakeComfy;
  core: Core;
  dataDir: string;
  /** Resolve when a job reaches one of the statuses. */
  waitJob(jobId: string, status: JobStatus | JobStatus[]): Promise<Job>;
  /** The job a given interaction created (from its progress message id). */
  jobOfProgress(messageId: string): Job | null;
  /** Wait for the message (a successful channel POST) that carries the result buttons of a job. */
  resultPost(jobId: string): Promise<RecordedCall>;
  /** Stop the core (bot logs out) and start a new one on the same data and Discord. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface WorldOptions {
  discord?: Partial<FakeDiscordOptions>;
  comfy?: FakeComfyOptions;
  /** Change the model files the fake ComfyUI has (each bundled workflow's defaults and two LoRAs to begin with). */
  editModels?: (lists: Partial<Record<ModelFolder, string[]>>) => void;
  /** Progress edit interval (the default 1.5 s is checked in progress.test.ts; e2e tests go faster). */
  editIntervalMs?: number;
}

export async function startWorld(opts: WorldOptions = {}): Promise<World> {
  const dirs = tempDirs();
  const dataDir = dirs.make('comfydesk-discord-');
  const registry = new WorkflowRegistry({ bundledDir: BUNDLED_DIR });
  await registry.load();
  const models = modelListsFor(registry.list(), { loras: ['detail-tweaker.safetensors', 'anime/style-a.safetensors'] });
  opts.editModels?.(models);
  const comfy = await startFakeComfy({ models, ...opts.comfy });
  // With the fast test interval the fake's hidden 5-edits-per-5-s limit is off unless a test keeps it.
  const fastEdits = (opts.editIntervalMs ?? 50) < 1500;
  const discord = await startFakeDiscord({
    clock: new ManualClock(Date.now()),
    ...(fastEdits ? { rateLimits: { messageEdits: false } } : {}),
    ...opts.discord,
  });
  const boot = (): Promise<Core> =>
    startBotCore({ dataDir, comfyUrl: comfy.url, discord, editIntervalMs: opts.editIntervalMs ?? 50 });

  let core = await boot();
  const world: World = {
    discord,
    comfy,
    get core() {
      return core;
    },
    dataDir,
    waitJob(jobId, status) {
      const want = Array.isArray(status) ? status : [status];
      return new Promise((resolve) => {
        const now = core.store.jobs.get(jobId);
        if (now && want.includes(now.status)) return resolve(now);
        const off = core.events.on('job.changed', (job) => {
          if (job.id === jobId && want.includes(job.status)) {
            off();
            resolve(job);
          }
        });
      });
    },
    jobOfProgress(messageId) {
      return core.store.jobs.list({ limit: 500 }).find((j) => j.messages.progress === messageId) ?? null;
    },
    resultPost(jobId) {
      return discord.waitForCall(
        (c) =>
          c.method === 'POST' &&
          c.status < 300 &&
          /^\/channels\/\d+\/messages$/.test(c.path) &&
          JSON.stringify(c.json ?? {}).includes(`cd:rerun:${jobId}`),
        { timeoutMs: 20_000 },
      );
    },
    async restart() {
      await core.stop();
      core = await boot();
    },
    async close() {
      await core.stop().catch(() => undefined);
      await discord.close();
      await comfy.close();
      dirs.cleanup();
    },
  } as World;
  return world;
}

/** The JSON body of a multipart or JSON request (discord.js sends payload_json with files). */
export function bodyOf(call: RecordedCall): Record<string, unknown> {
  return (call.json ?? {}) as Record<string, unknown>;
}

/** Custom ids of every button in a message body. */
export function buttonIds(call: RecordedCall): string[] {
  const rows = (bodyOf(call).components ?? []) as Array<{ components?: Array<{ custom_id?: string }> }>;
  return rows.flatMap((r) => (r.components ?? []).map((c) => c.custom_id ?? ''));
}

/** The first embed of a message body. */
export function embedOf(call: RecordedCall): Record<string, unknown> & { title?: string; description?: string } {
  return ((bodyOf(call).embeds as unknown[]) ?? [])[0] as Record<string, unknown> & {
    title?: string;
    description?: string;
  };
}

/** What the user sees of an interaction's answer: its text (the edit of a deferred one) and whether only they see it. */
export async function replyTo(h: InteractionHandle): Promise<{ text: string; ephemeral: boolean }> {
  const cb = await h.waitForCallback();
  const json = cb.json as { type: number; data?: { flags?: number } };
  const ephemeral = ((json.data?.flags ?? 0) & 64) === 64;
  if (json.type === 5) return { text: JSON.stringify((await h.waitForEdit()).json), ephemeral };
  return { text: JSON.stringify(json), ephemeral };
}
