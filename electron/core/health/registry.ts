/**
 * Health checks: named checks that each report ok / warn / fail with details and a fix hint, streamed one by
 * one as they finish (like an installer's step list). Checks live in a registry that the composition root
 * builds (ComfyUI checks from comfy-checks.ts, Discord checks from discord-checks.ts): there is no process-wide
 * registry. Every check runs with a timeout and never throws: an exception becomes a `fail` carrying its message.
 */
import type { HealthFix } from '@shared/api/health';
import { systemClock, type Clock, type ClockTimer } from '../clock';

export type HealthStatus = 'ok' | 'warn' | 'fail';
export type { HealthFix };

export interface HealthResult {
  id: string;
  title: string;
  status: HealthStatus;
  details: string;
  /** What the user can do about it; empty when nothing needs doing. */
  fixHint: string;
  /** The fixes one click away. */
  fixes: HealthFix[];
  durationMs: number;
}

/** What a check returns; id/title/duration are filled in by the runner. */
export interface CheckOutcome {
  status: HealthStatus;
  details: string;
  fixHint?: string;
  fixes?: HealthFix[];
}

/** A workflow as health sees it (from its manifest). */
export interface WorkflowNeeds {
  id: string;
  title: string;
  nodeClasses: readonly string[];
  /** The files it would use, each with the settings key that picks it (for "Choose a file"). */
  models: ReadonlyArray<{ folder: string; file: string; setting?: string }>;
}

/** The ComfyUI that ComfyDesk launches, as health sees it. */
export interface LaunchView {
  /** The folder it launches; null when none is set. */
  launchPath: string | null;
  state: 'stopped' | 'starting' | 'running' | 'crashed' | 'stopping';
  /** Why the last start failed, with its last output lines. */
  error: string | null;
  /** Its backend record, once it was ready at least once. */
  backendId: string | null;
}

/** The ComfyClient calls health uses. */
export interface HealthClient {
  ping(): Promise<{ latencyMs: number }>;
  systemStats(): Promise<{
    system: { comfyui_version?: string | undefined };
    devices: ReadonlyArray<{
      name: string;
      type: string;
      vram_total?: number | undefined;
      vram_free?: number | undefined;
    }>;
  }>;
  objectInfo(): Promise<Record<string, unknown>>;
  models(folder: string): Promise<string[]>;
  getQueue(): Promise<{ running: readonly unknown[]; pending: readonly unknown[] }>;
}

export interface HealthContext {
  /** The backend's client; absent when no ComfyUI is configured (only the app's own checks run). */
  client?: HealthClient;
  /** The backend's id (for fixes that name it). */
  backendId?: string;
  /** The backend's address, for messages. */
  url: string;
  /** Whether the backend's WebSocket is connected; the WebSocket check is skipped when absent. */
  socketConnected?: () => boolean;
  /** Enabled workflows; one check each. */
  workflows?: readonly WorkflowNeeds[];
  /** ComfyUI's output folder when it is on this machine; the disk check is skipped when absent. */
  outputDir?: string;
  /** Warn below this ComfyUI version (default 0.3.44: client-chosen prompt ids, progress_state, preview metadata). */
  minVersion?: string;
  /** Warn when the output disk has less free space (default 5 GiB). */
  minFreeBytes?: number;
  /** Warn when more prompts than this are waiting (default 20). */
  longQueue?: number;
  /** Per-check time limit unless the check sets its own (default 15 s). */
  timeoutMs?: number;
  clock?: Clock;
  /**
   * The launched ComfyUI (its check is left out when absent): the one behind `backendId` when it is one of the
   * launched ComfyUIs (one per GPU), else the launcher as a whole.
   */
  launch?: (backendId?: string) => LaunchView;
  /** Why no ComfyUI can be checked (set when `client` is absent). */
  noComfy?: { disabled: readonly string[] };
  /** A catalogue file's size when ComfyDesk can download it (a Download button), else null. */
  catalog?: (folder: string, file: string) => { bytes: number } | null;
  /** ComfyDesk's own queue: jobs waiting for a ComfyUI, jobs on one, whether the queue is paused. */
  ownQueue?: () => { queued: number; running: number; paused: boolean };
}

/** Answers shared by the checks of one run, fetched at most once. */
export interface HealthShared {
  /** Resolves when the API answered; rejects with a NotCheckedError otherwise. */
  requireApi(): Promise<void>;
  ping(): Promise<{ latencyMs: number }>;
  systemStats(): ReturnType<HealthClient['systemStats']>;
  objectInfo(): Promise<Record<string, unknown>>;
  models(folder: string): Promise<string[]>;
}

export interface HealthCheck {
  id: string;
  title: string;
  timeoutMs?: number;
  /** 'app': runs without a backend too (the bot, the disk, the queue); 'backend' (default): only against one. */
  scope?: 'app' | 'backend';
  /** False → the check is left out of this run (e.g. no output dir for a remote backend). */
  appliesTo?(ctx: HealthContext): boolean;
  run(ctx: HealthContext, shared: HealthShared): Promise<CheckOutcome>;
}

/** Produces several checks from the context (e.g. one per workflow). */
export interface HealthCheckProvider {
  id: string;
  expand(ctx: HealthContext): HealthCheck[];
}

export type HealthCheckSource = HealthCheck | HealthCheckProvider;

/** Thrown by `shared.requireApi()` so dependent checks fail with a pointer to the real problem. */
export class NotCheckedError extends Error {
  override readonly name = 'NotCheckedError';
}

export class HealthRegistry {
  private readonly sources: HealthCheckSource[] = [];

  constructor(sources: readonly HealthCheckSource[] = []) {
    for (const source of sources) this.register(source);
  }

  /** Add a check (or provider). Ids are unique. Returns a function that removes it again. */
  register(source: HealthCheckSource): () => void {
    if (this.sources.some((s) => s.id === source.id))
      throw new Error(`health check "${source.id}" is already registered`);
    this.sources.push(source);
    return () => {
      const i = this.sources.indexOf(source);
      if (i >= 0) this.sources.splice(i, 1);
    };
  }

  ids(): string[] {
    return this.sources.map((s) => s.id);
  }

  /** The concrete checks for this context, in registration order. */
  checksFor(ctx: HealthContext): HealthCheck[] {
    const out: HealthCheck[] = [];
    for (const s of this.sources) {
      if ('expand' in s) {
        try {
          out.push(...s.expand(ctx));
        } catch (err) {
          out.push(failingCheck(s.id, s.id, err));
        }
      } else {
        out.push(s);
      }
    }
    return out.filter((c) => {
      if (!ctx.client && c.scope !== 'app') return false;
      try {
        return c.appliesTo ? c.appliesTo(ctx) : true;
      } catch {
        return true;
      }
    });
  }

  run(ctx: HealthContext, onResult?: (r: HealthResult) => void): Promise<HealthResult[]> {
    return runChecks(this.checksFor(ctx), ctx, onResult);
  }
}

/** A context for one ComfyBackend (anything with client, url and socketConnected). */
export function healthContextFor(
  backend: { id?: string; client: HealthClient; url: string; readonly socketConnected: boolean },
  rest: Omit<HealthContext, 'client' | 'url' | 'socketConnected'> = {},
): HealthContext {
  return {
    ...(backend.id !== undefined ? { backendId: backend.id } : {}),
    ...rest,
    client: backend.client,
    url: backend.url,
    socketConnected: () => backend.socketConnected,
  };
}

const RANK: Record<HealthStatus, number> = { fail: 0, warn: 1, ok: 2 };

/** Failures first, then warnings, then passes; the registry's order within each. */
export function sortResults<T extends { status: HealthStatus }>(results: readonly T[]): T[] {
  return results
    .map((r, i) => [r, i] as const)
    .sort(([a, i], [b, j]) => RANK[a.status] - RANK[b.status] || i - j)
    .map(([r]) => r);
}

const GENERIC_FAIL_HINT = "Run the checks again; if this keeps failing, look at ComfyUI's console output.";

function failingCheck(id: string, title: string, err: unknown): HealthCheck {
  return {
    id,
    title,
    scope: 'app',
    run: async () => ({ status: 'fail', details: messageOf(err), fixHint: GENERIC_FAIL_HINT }),
  };
}

export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

function memo<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | null = null;
  return () => (p ??= fn());
}

function makeShared(ctx: HealthContext): HealthShared {
  const client = (): HealthClient => {
    if (!ctx.client) throw new NotCheckedError('Not checked: no ComfyUI is running.');
    return ctx.client;
  };
  const ping = memo(() => Promise.resolve().then(() => client().ping()));
  const folders = new Map<string, Promise<string[]>>();
  const requireApi = memo(() =>
    ping().then(
      () => undefined,
      (err: unknown) => {
        throw new NotCheckedError(`Not checked: ComfyUI at ${ctx.url} is not reachable (${messageOf(err)}).`);
      },
    ),
  );
  const systemStats = memo(() => requireApi().then(() => client().systemStats()));
  const objectInfo = memo(() => requireApi().then(() => client().objectInfo()));
  return {
    requireApi,
    ping,
    systemStats,
    objectInfo,
    models: (folder) => {
      let p = folders.get(folder);
      if (!p) {
        p = requireApi().then(() => client().models(folder));
        folders.set(folder, p);
      }
      return p;
    },
  };
}

async function runOne(
  check: HealthCheck,
  ctx: HealthContext,
  shared: HealthShared,
  clock: Clock,
): Promise<HealthResult> {
  const started = clock.now();
  const limit = check.timeoutMs ?? ctx.timeoutMs ?? 15_000;
  let timer: ClockTimer | undefined;
  const timeout = new Promise<CheckOutcome>((resolve) => {
    timer = clock.setTimeout(
      () =>
        resolve({
          status: 'fail',
          details: `The check did not finish within ${formatSeconds(limit)}.`,
          fixHint: 'ComfyUI may be busy (loading a model); run the checks again in a moment.',
        }),
      limit,
    );
  });
  let outcome: CheckOutcome;
  try {
    outcome = await Promise.race([Promise.resolve().then(() => check.run(ctx, shared)), timeout]);
  } catch (err) {
    outcome =
      err instanceof NotCheckedError
        ? { status: 'fail', details: err.message, fixHint: 'Fix "ComfyUI reachable" first.' }
        : { status: 'fail', details: messageOf(err), fixHint: GENERIC_FAIL_HINT };
  } finally {
    clock.clearTimeout(timer);
  }
  return {
    id: check.id,
    title: check.title,
    status: outcome.status,
    details: outcome.details,
    fixHint: outcome.fixHint ?? '',
    fixes: outcome.fixes ?? [],
    durationMs: Math.max(0, clock.now() - started),
  };
}

async function runChecks(
  checks: HealthCheck[],
  ctx: HealthContext,
  onResult?: (r: HealthResult) => void,
): Promise<HealthResult[]> {
  const clock = ctx.clock ?? systemClock;
  const shared = makeShared(ctx);
  return Promise.all(
    checks.map(async (check) => {
      const result = await runOne(check, ctx, shared, clock);
      try {
        onResult?.(result);
      } catch {
        // A listener's failure must not break the run.
      }
      return result;
    }),
  );
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
