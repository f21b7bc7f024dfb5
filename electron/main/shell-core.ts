/**
 * The part of the core the desktop shell uses, and the one way the shell calls it. Calls go through the untyped
 * `dispatch` (validated against shared/api.ts, never throws) so that a method another capability has not landed
 * yet answers with a readable error instead of breaking the build.
 */
import type { CallResult } from '@shared/api';
import { defaultSettings, type Settings } from '@shared/settings';
import type { Core } from '@core/app';

/** The core as the shell holds it: the host (core/host.ts), which keeps these across a restore. */
export type ShellCore = Pick<Core, 'events' | 'healthSummary' | 'config' | 'logger' | 'store'> & ApiHolder;
type ApiHolder = { api: Pick<Core['api'], 'dispatch'> };

/** Method names the tray and quit sequence call (bot/comfy/queue methods are contributed by their capabilities). */
export type ShellMethod =
  | 'bot.start'
  | 'bot.stop'
  | 'queue.pause'
  | 'health.run'
  | 'comfy.start'
  | 'comfy.stop'
  | 'comfy.launchSettings'
  | 'updates.restart'
  | 'downloads.list';

export function callCore(core: ApiHolder, method: ShellMethod, input: unknown = {}): Promise<CallResult> {
  return core.api.dispatch(method, input, { caller: 'desktop' });
}

/** Throws the API's readable error when the call failed. */
export async function callCoreOrThrow(core: ApiHolder, method: ShellMethod, input: unknown = {}): Promise<unknown> {
  const result = await callCore(core, method, input);
  if (!result.ok) throw new Error(result.error.message);
  return result.output;
}

/** Current user settings (a synchronous SQLite read); defaults once the store is closed during quit. */
export function currentSettings(core: Pick<Core, 'store'>): Settings {
  try {
    return core.store.settings.get();
  } catch {
    return defaultSettings();
  }
}
