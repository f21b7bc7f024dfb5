/** Types and helpers of BackendManager (manager.ts): options, events, probing a new backend, removed addresses. */
import { z } from 'zod';
import { ApiError } from '@shared/api';
import type { Config } from '@core/config';
import type { EventBus } from '@core/events';
import type { Logger } from '@core/log';
import type { Clock } from '@core/clock';
import type { BackendsRepo } from '@core/store/backends-repo';
import type { SettingsRepo } from '@core/store/settings-repo';
import type { BackendStatus, ComfyBackend, ComfyBackendOptions } from './backend';
import type { LaunchedStatus, TimedLogLine } from '../launch/launched-comfy';
import type { LauncherOptions } from '../launch/supervisor';
import { probeComfy } from '../protocol/probe';
import type { BackendKind } from './routing';

export interface BackendManagerEvents {
  added: [backend: ComfyBackend];
  removed: [id: string];
  status: [id: string, status: BackendStatus];
  /** Something the health summary shows changed (status, version, records, launcher state, capabilities). */
  changed: [];
  /** A new output line of the launched ComfyUI. */
  log: [line: TimedLogLine];
  /** The launched ComfyUI changed state. */
  launcher: [status: LaunchedStatus & { backendId: string | null }];
}

export interface BackendManagerOptions {
  backends: BackendsRepo;
  settings: SettingsRepo;
  /** Used to follow `settings.changed`. */
  events: EventBus;
  config: Config['comfy'];
  /** The launched ComfyUI's input/ and output/ go under here. */
  launchDir: string;
  clock?: Clock;
  logger?: Logger;
  /** Where to look for an already running ComfyUI at start (default 127.0.0.1:8188 and :8000; [] = don't look). */
  discoverUrls?: readonly string[];
  /** More launcher options (tests). */
  launcher?: Partial<LauncherOptions>;
  /** More options for every ComfyBackend (tests: socket backoff). */
  backend?: Pick<ComfyBackendOptions, 'client' | 'socket' | 'random'>;
}

const RemovedUrlsSchema = z.array(z.string());
const REMOVED_KEY = 'comfy.removedUrls';

/** Local ComfyUI addresses the user removed: discovery does not take them back; adding one again clears it. */
export const removedUrls = {
  list: (settings: SettingsRepo): string[] => settings.getValue(REMOVED_KEY, RemovedUrlsSchema) ?? [],
  remember(settings: SettingsRepo, url: string): void {
    const list = this.list(settings);
    if (!list.includes(url)) settings.setValue(REMOVED_KEY, [...list, url]);
  },
  forget(settings: SettingsRepo, url: string): void {
    const list = this.list(settings);
    if (list.includes(url)) settings.setValue(REMOVED_KEY, list.filter((u) => u !== url));
  },
};

/**
 * Probe a ComfyUI about to be added: something that is not ComfyUI, or nothing answering, is refused with the
 * reason unless `force`. Loopback addresses are 'local', others 'remote'.
 */
export async function probeNewBackend(
  url: string,
  input: { name?: string; force?: boolean },
): Promise<{ kind: BackendKind; name: string; version: string | null }> {
  const probe = await probeComfy(url, { timeoutMs: 3000 });
  if (probe.kind !== 'comfyui' && !input.force) {
    const why = probe.kind === 'unreachable' ? `nothing answers there (${probe.reason})` : `it answers, but not as ComfyUI (${probe.reason})`;
    throw new ApiError({
      code: probe.kind === 'unreachable' ? 'unavailable' : 'bad_request',
      message: `${url} was not added: ${why}. Check the address and that ComfyUI runs with --listen; add it anyway to use it once it answers.`,
    });
  }
  const { hostname, host } = new URL(url);
  const kind = hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]' ? 'local' : 'remote';
  const version = probe.kind === 'comfyui' ? probe.version : null;
  return { kind, name: input.name?.trim() || (version ? `ComfyUI ${version} at ${host}` : host), version };
}
