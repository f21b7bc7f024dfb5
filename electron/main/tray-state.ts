/**
 * What the tray shows, as a pure function of the core's state: which icon, the tooltip and the menu model.
 * tray.ts turns the model into Electron objects; tests check this function directly.
 */
import type { HealthSummary } from '@shared/api/health';
import type { LauncherStatus } from '@shared/api/backends';
import type { DownloadView } from '@shared/downloads';

export type BotStatus = HealthSummary['bot']['status'];
export type ComfyState = 'offline' | 'idle' | 'busy';
/** Icon file stem under resources/tray/: `<comfy>-bot-<on|off>`. */
export type TrayIconName = `${ComfyState}-bot-${'on' | 'off'}`;

export type TrayAction =
  'show' | 'update.restart' | 'bot.toggle' | 'queue.toggle' | 'health.run' | 'library.open' | 'comfy.toggle' | 'quit';

/** A downloaded update, as the tray offers it. */
export interface TrayUpdate {
  version: string;
  /** "Restart to update" was asked and waits for this (running jobs, a delivery). */
  waitingFor: string | null;
}

/** A model download that is still going, as the tooltip tells it (`download.changed` / `download.progress`). */
export interface TrayDownload {
  /** Null for a pasted link until the host names the file. */
  file: string | null;
  state: 'queued' | 'downloading' | 'verifying';
  bytesDone: number;
  totalBytes: number | null;
  etaSeconds: number | null;
}

/** A download as the tooltip tells it, or null once it is over (done, failed or cancelled). */
export function trayDownload(d: DownloadView, etaSeconds: number | null = null): TrayDownload | null {
  if (d.state !== 'queued' && d.state !== 'downloading' && d.state !== 'verifying') return null;
  return { file: d.file, state: d.state, bytesDone: d.bytesDone, totalBytes: d.totalBytes, etaSeconds };
}

export type TrayMenuItem = { type: 'separator' } | { type: 'item'; id: TrayAction; label: string; enabled: boolean };

export interface TrayInput {
  summary: HealthSummary;
  /** The bot's latest status from `bot.changed`, newer than the summary's when present. */
  bot?: BotStatus | null;
  /** An action the user started from the tray and that has not answered yet (its item is disabled meanwhile). */
  pending?: ReadonlySet<TrayAction>;
  /** A downloaded update ready to install, if any. */
  update?: TrayUpdate | null;
  /** Model downloads still going, oldest first. */
  downloads?: readonly TrayDownload[];
  /** The launched ComfyUIs (`comfy.launcher`): with several GPUs the line counts them and names those not running. */
  launcher?: Pick<LauncherStatus, 'instances'> | null;
}

export interface TrayView {
  icon: TrayIconName;
  tooltip: string;
  menu: TrayMenuItem[];
}

const BOT_ON: readonly BotStatus[] = ['starting', 'online', 'reconnecting'];

export function isBotOn(status: BotStatus): boolean {
  return BOT_ON.includes(status);
}

export function comfyState(summary: HealthSummary): ComfyState {
  if (summary.comfy.status !== 'online') return 'offline';
  const busy = summary.comfy.backends.some((b) => b.enabled && b.status === 'busy') || summary.queue.running > 0;
  return busy ? 'busy' : 'idle';
}

/** A ComfyUI that ComfyDesk launched (and so may stop) is running or starting. */
export function launchedComfyRunning(summary: HealthSummary): boolean {
  return summary.comfy.backends.some((b) => b.kind === 'launched' && b.status !== 'offline' && b.status !== 'error');
}

const COMFY_TEXT: Record<ComfyState, string> = { offline: 'offline', idle: 'idle', busy: 'busy' };

const BOT_TEXT: Record<BotStatus, string> = {
  stopped: 'off',
  starting: 'starting',
  online: 'on',
  reconnecting: 'reconnecting',
  error: 'error',
  'no-token': 'no token set',
};

/** "GPU 1 · RTX 3060" → "GPU 1". */
const shortName = (name: string) => name.split(' · ')[0] ?? name;

/**
 * ComfyUI launched on several GPUs: "ComfyUI: 2 running" (", busy" while a job runs), or "ComfyUI: 1 of 2 running —
 * GPU 1 crashed" naming those not running; null when none is running, starting or crashed (the usual line then).
 */
export function instancesLine(launcher: TrayInput['launcher'], state: ComfyState): string | null {
  const all = launcher?.instances ?? [];
  if (all.length < 2 || all.every((i) => i.state === 'stopped')) return null;
  const running = all.filter((i) => i.state === 'running');
  if (running.length === all.length) return `ComfyUI: ${all.length} running${state === 'busy' ? ', busy' : ''}`;
  const others = all.filter((i) => i.state !== 'running').map((i) => `${shortName(i.name)} ${i.state}`);
  return `ComfyUI: ${running.length} of ${all.length} running — ${others.join(', ')}`;
}

function comfyLine(summary: HealthSummary, state: ComfyState, launcher: TrayInput['launcher']): string {
  const several = instancesLine(launcher, state);
  if (several) return several;
  if (summary.comfy.status === 'none') return 'ComfyUI: not set up';
  if (summary.comfy.status === 'starting') return 'ComfyUI: starting';
  return `ComfyUI: ${COMFY_TEXT[state]}`;
}

function left(seconds: number): string {
  if (seconds < 60) return 'under a minute left';
  const min = Math.round(seconds / 60);
  return min < 60 ? `${min} min left` : `${Math.floor(min / 60)} h ${min % 60} min left`;
}

/**
 * One line for the model downloads: a single one by name with its percentage and time left, several as a count
 * with their overall percentage. Whole percentages only, so the OS tooltip changes at most a hundred times.
 */
export function downloadsLine(downloads: readonly TrayDownload[]): string | null {
  if (downloads.length === 0) return null;
  const percent = (done: number, total: number | null) =>
    total && total > 0 ? `${Math.min(100, Math.floor((done / total) * 100))}%` : null;
  if (downloads.length === 1) {
    const [d] = downloads;
    const name = d!.file ?? 'a model';
    if (d!.state === 'queued') return `Download waiting: ${name}`;
    if (d!.state === 'verifying') return `Checking ${name}`;
    const parts = [percent(d!.bytesDone, d!.totalBytes), d!.etaSeconds !== null ? left(d!.etaSeconds) : null];
    const tail = parts.filter(Boolean).join(', ');
    return `Downloading ${name}${tail ? `: ${tail}` : ''}`;
  }
  const known = downloads.every((d) => d.totalBytes !== null);
  const done = downloads.reduce((sum, d) => sum + d.bytesDone, 0);
  const total = known ? downloads.reduce((sum, d) => sum + (d.totalBytes ?? 0), 0) : null;
  const overall = percent(done, total);
  return `Downloading ${downloads.length} models${overall ? `: ${overall}` : ''}`;
}

function queueLine(summary: HealthSummary): string {
  const { queued, running, paused } = summary.queue;
  return `Queue: ${running} running, ${queued} waiting${paused ? ' (paused)' : ''}`;
}

export function trayView(input: TrayInput): TrayView {
  const { summary } = input;
  const bot = input.bot ?? summary.bot.status;
  const pending = input.pending ?? new Set<TrayAction>();
  const state = comfyState(summary);
  const botOn = isBotOn(bot);
  const item = (id: TrayAction, label: string, enabled = true): TrayMenuItem => ({
    type: 'item',
    id,
    label,
    enabled: enabled && !pending.has(id),
  });

  const update = input.update ?? null;
  const menu: TrayMenuItem[] = [
    item('show', 'Show ComfyDesk'),
    ...(update
      ? [
          update.waitingFor
            ? item('update.restart', `Restarting to update once nothing runs (${update.waitingFor})`, false)
            : item('update.restart', `Restart to update (${update.version})`),
        ]
      : []),
    { type: 'separator' },
    bot === 'no-token'
      ? item('bot.toggle', 'Discord bot: no token set', false)
      : item('bot.toggle', botOn ? 'Turn Discord bot off' : 'Turn Discord bot on'),
    item('queue.toggle', summary.queue.paused ? 'Resume queue' : 'Pause queue'),
    item(
      'health.run',
      'Run health checks',
      summary.comfy.backends.some((b) => b.enabled),
    ),
    item('library.open', 'Open library folder'),
    item('comfy.toggle', launchedComfyRunning(summary) ? 'Stop ComfyUI' : 'Start ComfyUI'),
    { type: 'separator' },
    item('quit', 'Quit ComfyDesk'),
  ];

  return {
    icon: `${state}-bot-${botOn ? 'on' : 'off'}`,
    tooltip: [
      'ComfyDesk',
      comfyLine(summary, state, input.launcher),
      `Discord bot: ${BOT_TEXT[bot]}`,
      queueLine(summary),
      ...[downloadsLine(input.downloads ?? [])].filter((l): l is string => l !== null),
      ...(update ? [`Update ${update.version} ready`] : []),
    ].join('\n'),
    menu,
  };
}
