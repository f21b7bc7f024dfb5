/**
 * The ComfyUI health checks: found at all, the launched one, API reachable, version, GPU, WebSocket, one check per
 * workflow (node classes + model files, workflow-checks.ts), output folder, queue length (ComfyUI's and ComfyDesk's).
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { prettyDeviceName } from '@core/comfy/backends/live-info';
import { ComfyError } from '@core/comfy/protocol/errors';
import { certificateErrorOf } from '@core/comfy/protocol/tls';
import type { HealthFix } from '@shared/api/health';
import { comfyFoundCheck, launcherCheck } from './launch-checks';
import { HealthRegistry, type CheckOutcome, type HealthCheck, type HealthCheckProvider } from './registry';
import { workflowChecks } from './workflow-checks';

export const DEFAULT_MIN_VERSION = '0.3.44';
const GiB = 1024 ** 3;

/** "0.3.64" → [0, 3, 64]; null when it is not a version. */
export function parseVersion(v: string): number[] | null {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(v.trim());
  if (!m) return null;
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
}

export function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function formatBytes(n: number): string {
  if (n >= GiB) return `${(n / GiB).toFixed(1)} GB`;
  return `${Math.round(n / 1024 ** 2)} MB`;
}

/** What to do when the address answers but refuses ComfyDesk: a proxy's credentials, or an untrusted certificate. */
function accessTrouble(err: unknown): string | null {
  if (certificateErrorOf(err))
    return 'Compare the certificate’s fingerprint with whoever runs that ComfyUI; if it is theirs, trust it in Settings → ComfyUI.';
  if (err instanceof ComfyError && (err.status === 401 || err.status === 403))
    return 'The proxy in front of that ComfyUI refused: check its token or user name and password with whoever runs it, then set them in Settings → ComfyUI.';
  return null;
}

const apiCheck: HealthCheck = {
  id: 'api',
  title: 'ComfyUI reachable',
  async run(ctx, shared): Promise<CheckOutcome> {
    try {
      const { latencyMs } = await shared.ping();
      const slow = latencyMs > 1000;
      return {
        status: slow ? 'warn' : 'ok',
        details: `${ctx.url} answered in ${Math.round(latencyMs)} ms.`,
        fixHint: slow ? 'ComfyUI is answering slowly: it may be loading a model, or the network to it is slow.' : '',
      };
    } catch (err) {
      const launch = ctx.launch?.(ctx.backendId);
      const ours = !!launch?.launchPath && (launch.backendId === null || launch.backendId === ctx.backendId);
      const fixes: HealthFix[] = ours
        ? [{ kind: 'start-comfy' }, { kind: 'open-settings' }]
        : [{ kind: 'open-settings' }];
      if (ctx.backendId) fixes.push({ kind: 'refresh-backend', backendId: ctx.backendId });
      const access = accessTrouble(err);
      const message = err instanceof Error ? err.message : String(err);
      return {
        status: 'fail',
        details: access ? message : `No answer from ${ctx.url}: ${message}`,
        fixHint: access
          ? access
          : ours
            ? 'Start ComfyUI (ComfyDesk launches it from its folder), or check its address in Settings → ComfyUI.'
            : 'Start ComfyUI at that address (with --listen when it runs on another machine), or check the address in Settings → ComfyUI.',
        fixes,
      };
    }
  },
};

const versionCheck: HealthCheck = {
  id: 'version',
  title: 'ComfyUI version',
  async run(ctx, shared) {
    const stats = await shared.systemStats();
    const min = ctx.minVersion ?? DEFAULT_MIN_VERSION;
    const raw = stats.system.comfyui_version;
    const update =
      "Update ComfyUI (git pull, then pip install -r requirements.txt; or the portable build's update script).";
    if (!raw)
      return { status: 'warn', details: 'ComfyUI did not report its version (older than 0.3.x?).', fixHint: update };
    const v = parseVersion(raw);
    const m = parseVersion(min);
    if (!v || !m) return { status: 'warn', details: `Unrecognised version "${raw}".`, fixHint: update };
    if (compareVersions(v, m) < 0) {
      return {
        status: 'warn',
        details: `ComfyUI ${raw} is older than ${min}: client-chosen job ids, per-node progress and preview metadata are missing, so progress is coarser.`,
        fixHint: update,
      };
    }
    return { status: 'ok', details: `ComfyUI ${raw}.` };
  },
};

const gpuCheck: HealthCheck = {
  id: 'gpu',
  title: 'GPU',
  async run(ctx, shared) {
    const stats = await shared.systemStats();
    const gpu = stats.devices.find((d) => d.type !== 'cpu');
    if (!gpu) {
      return {
        status: 'warn',
        details: 'CPU only: ComfyUI found no CUDA or MPS device, so generating takes minutes instead of seconds.',
        fixHint:
          "Install a CUDA (NVIDIA) or MPS (Apple) build of PyTorch in ComfyUI's Python, and do not start it with --cpu.",
      };
    }
    const total = gpu.vram_total;
    const free = gpu.vram_free;
    const mem =
      total !== undefined
        ? ` with ${formatBytes(total)} VRAM${free !== undefined ? `, ${formatBytes(free)} free` : ''}`
        : '';
    const lowFree = total !== undefined && free !== undefined && free < total * 0.1 && free < 2 * GiB;
    return {
      status: lowFree ? 'warn' : 'ok',
      details: `${prettyDeviceName(gpu.name)} (${gpu.type})${mem}.`,
      fixHint: lowFree
        ? "Little VRAM is free: close other GPU programs, or free ComfyUI's memory (unload models)."
        : '',
      ...(lowFree && ctx.backendId ? { fixes: [{ kind: 'free-vram' as const, backendId: ctx.backendId }] } : {}),
    };
  },
};

const socketCheck: HealthCheck = {
  id: 'websocket',
  title: 'Live updates (WebSocket)',
  appliesTo: (ctx) => ctx.socketConnected !== undefined,
  async run(ctx) {
    if (ctx.socketConnected?.()) return { status: 'ok', details: 'Connected: progress and previews arrive live.' };
    return {
      status: 'fail',
      details: 'Not connected: no live progress or previews (jobs still finish; ComfyDesk falls back to polling).',
      fixHint: `Check that nothing (a proxy, a firewall) blocks WebSocket connections to ${ctx.url}/ws.`,
    };
  },
};

const outputDirCheck: HealthCheck = {
  id: 'output-dir',
  title: 'Output folder',
  scope: 'app',
  appliesTo: (ctx) => ctx.outputDir !== undefined,
  async run(ctx) {
    const dir = ctx.outputDir!;
    const hintPlace = 'choose another output folder in the backend settings';
    try {
      await fsp.mkdir(dir, { recursive: true });
      const probe = path.join(
        dir,
        `.comfydesk-write-test-${process.pid}-${(ctx.clock?.now() ?? Date.now()).toString(36)}`,
      );
      await fsp.writeFile(probe, 'ok');
      await fsp.unlink(probe);
    } catch (err) {
      return {
        status: 'fail',
        details: `Cannot write to ${dir}: ${err instanceof Error ? err.message : String(err)}`,
        fixHint: `Give your user write access to ${dir}, or ${hintPlace}.`,
      };
    }
    const fsStats = await fsp.statfs(dir);
    const free = fsStats.bavail * fsStats.bsize;
    const min = ctx.minFreeBytes ?? 5 * GiB;
    if (free < min) {
      return {
        status: 'warn',
        details: `${dir} is writable, but only ${formatBytes(free)} is free on its disk.`,
        fixHint: `Free some space on that disk (images add up), or ${hintPlace}.`,
      };
    }
    return { status: 'ok', details: `${dir} is writable; ${formatBytes(free)} free.` };
  },
};

const queueCheck: HealthCheck = {
  id: 'queue',
  title: 'Queue',
  scope: 'app',
  async run(ctx, shared) {
    const own = ctx.ownQueue?.() ?? null;
    let comfy: { running: number; waiting: number } | null = null;
    if (ctx.client) {
      await shared.requireApi();
      const q = await ctx.client.getQueue();
      comfy = { running: q.running.length, waiting: q.pending.length };
    }
    const parts: string[] = [];
    const comfyText = (c: { running: number; waiting: number }) =>
      c.running + c.waiting === 0 ? 'nothing running or waiting' : `${c.running} running, ${c.waiting} waiting`;
    if (comfy && !own)
      parts.push(comfy.running + comfy.waiting === 0 ? 'Idle: nothing running or waiting.' : `${comfyText(comfy)}.`);
    if (comfy && own) parts.push(`ComfyUI: ${comfyText(comfy)}.`);
    if (own) {
      parts.push(
        own.queued + own.running === 0
          ? 'ComfyDesk: no jobs waiting.'
          : `ComfyDesk: ${own.queued} job${own.queued === 1 ? '' : 's'} waiting, ${own.running} on ComfyUI.`,
      );
    }
    if (own?.paused && own.queued > 0) {
      return {
        status: 'warn',
        details: `${parts.join(' ')} The queue is paused, so nothing new starts.`,
        fixHint: 'Resume the queue.',
        fixes: [{ kind: 'resume-queue' }],
      };
    }
    const waiting = (comfy?.waiting ?? 0) + (own?.queued ?? 0);
    const long = ctx.longQueue ?? 20;
    const details = parts.join(' ') || 'Idle: nothing running or waiting.';
    if (!comfy && own && own.queued > 0) {
      return {
        status: 'warn',
        details: `${details} They wait for a ComfyUI.`,
        fixHint: 'Start ComfyUI (see “ComfyUI found” above): the jobs start as soon as one answers.',
      };
    }
    if (waiting > long) {
      return {
        status: 'warn',
        details: `${details} That is a long queue.`,
        fixHint:
          'Jobs will wait a while: add another backend, or cancel jobs that are no longer wanted on the Queue page.',
      };
    }
    return { status: 'ok', details };
  },
};

export const comfyHealthChecks: ReadonlyArray<HealthCheck | HealthCheckProvider> = [
  comfyFoundCheck,
  launcherCheck,
  apiCheck,
  versionCheck,
  gpuCheck,
  socketCheck,
  workflowChecks,
  outputDirCheck,
  queueCheck,
];

/** A registry holding just the ComfyUI checks (the core adds the Discord ones to its own). */
export function comfyHealthRegistry(): HealthRegistry {
  return new HealthRegistry(comfyHealthChecks);
}
