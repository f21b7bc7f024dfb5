import type { BotState } from '@shared/api/bot';
import type { HealthSummary, BackendSummary } from '@shared/api/health';
import type { LauncherInstance } from '@shared/api/backends';
import { STOPPED_LAUNCH } from '@core/comfy/launch/launch-status';

export function backend(over: Partial<BackendSummary> = {}): BackendSummary {
  return {
    id: 'b1',
    name: 'Local ComfyUI',
    url: 'http://127.0.0.1:8188',
    kind: 'local',
    enabled: true,
    status: 'idle',
    version: null,
    error: null,
    load: 0,
    auth: 'none',
    problem: null,
    trustedCertificate: null,
    untrustedCertificate: null,
    ...over,
  };
}

/** A health summary: ComfyUI online and idle, bot stopped, empty queue, unless told otherwise. */
export function summary(
  over: {
    comfy?: Partial<HealthSummary['comfy']>;
    bot?: Partial<HealthSummary['bot']>;
    queue?: Partial<HealthSummary['queue']>;
  } = {},
): HealthSummary {
  return {
    comfy: { status: 'online', backends: [backend()], ...over.comfy },
    bot: { status: 'stopped', guilds: 0, ...over.bot },
    queue: { queued: 0, running: 0, paused: false, ...over.queue },
  };
}

/** What `bot.changed` carries. */
export function botState(status: BotState['status'], over: Partial<BotState> = {}): BotState {
  return {
    status,
    error: null,
    hasToken: true,
    username: 'ComfyDesk',
    applicationId: '1',
    guilds: 1,
    onlineSince: null,
    ...over,
  };
}

/** The tray menu's labels for the default summary() with the bot off ('---' = separator). */
export const IDLE_TRAY_LABELS = [
  'Show ComfyDesk',
  '---',
  'Turn Discord bot on',
  'Pause queue',
  'Run health checks',
  'Open library folder',
  'Start ComfyUI',
  '---',
  'Quit ComfyDesk',
];

/** One launched ComfyUI as `comfy.launcher` tells it: the single one, stopped (spread it and change what matters). */
export const instanceStatus: LauncherInstance = {
  ...STOPPED_LAUNCH,
  backendId: null,
  device: null,
  name: 'ComfyUI',
  port: null,
  restarts: 0,
};
