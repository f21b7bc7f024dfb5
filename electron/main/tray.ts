/**
 * The tray icon: its image, tooltip and menu follow the core's `health.changed`, `bot.changed` and download events
 * (computed by tray-state.ts), and each menu item calls the core API like any other client.
 */
import { join } from 'node:path';
import { Menu, nativeImage, Tray, type MenuItemConstructorOptions, type NativeImage } from 'electron';
import { z } from 'zod';
import type { HealthSummary } from '@shared/api/health';
import { LaunchSettingsViewSchema, type LauncherStatus } from '@shared/api/backends';
import { DownloadViewSchema } from '@shared/downloads';
import { callCoreOrThrow, type ShellCore } from './shell-core';
import {
  isBotOn,
  launchedComfyRunning,
  trayDownload,
  trayView,
  type BotStatus,
  type TrayAction,
  type TrayIconName,
  type TrayDownload,
  type TrayUpdate,
  type TrayView,
} from './tray-state';

export interface ShellTrayOptions {
  core: ShellCore;
  /** resources/tray */
  iconsDir: string;
  platform?: NodeJS.Platform;
  showWindow(): void;
  quit(): void;
  /** shell.openPath: resolves to an error message, '' on success. */
  openPath(path: string): Promise<string>;
  /** Tells the user how an action ended when there is nothing else to see (errors, health check results). */
  inform(title: string, body: string): void;
}

export interface ShellTray {
  view(): TrayView;
  run(action: TrayAction): Promise<void>;
  destroy(): void;
}

const HealthOutputSchema = z.object({ results: z.array(z.object({ status: z.enum(['ok', 'warn', 'fail']) })) });

const ERROR_TITLES: Record<TrayAction, string> = {
  show: 'Could not show ComfyDesk',
  'update.restart': 'Update',
  'bot.toggle': 'Discord bot',
  'queue.toggle': 'Queue',
  'health.run': 'Health checks',
  'library.open': 'Could not open the library folder',
  'comfy.toggle': 'ComfyUI',
  quit: 'Quit',
};

export function iconFile(iconsDir: string, name: TrayIconName, platform: NodeJS.Platform): string {
  // macOS menu bar icons are monochrome templates the system tints for light and dark menu bars.
  return join(iconsDir, platform === 'darwin' ? `${name}Template.png` : `${name}.png`);
}

export function createShellTray(options: ShellTrayOptions): ShellTray {
  const { core } = options;
  const platform = options.platform ?? process.platform;
  const images = new Map<TrayIconName, NativeImage>();
  const pending = new Set<TrayAction>();
  let summary: HealthSummary = core.healthSummary();
  /** The bot's own latest word (`bot.changed`); until it speaks, the summary's status. */
  let bot: BotStatus | null = null;
  /** A downloaded update (`updates.changed`); none at start, nothing is downloaded before the first check. */
  let update: TrayUpdate | null = null;
  /** Model downloads still going, by id, oldest first (Map keeps insertion order). */
  const downloads = new Map<string, TrayDownload>();
  let destroyed = false;

  /** The launched ComfyUIs (`comfy.launcher`; asked once at start): several GPUs are counted in the tooltip. */
  let launcher: LauncherStatus | null = null;

  const view = (): TrayView =>
    trayView({ summary, bot, pending, update, downloads: [...downloads.values()], launcher });
  const image = (name: TrayIconName): NativeImage => {
    let img = images.get(name);
    if (!img) {
      img = nativeImage.createFromPath(iconFile(options.iconsDir, name, platform));
      if (platform === 'darwin') img.setTemplateImage(true);
      images.set(name, img);
    }
    return img;
  };

  const tray = new Tray(image(view().icon));
  let shownIcon: TrayIconName | null = null;

  // health.changed comes often (every idle/busy flip): touch the OS tray only for what changed.
  let shownTooltip: string | null = null;
  let shownMenu: string | null = null;
  const render = (): void => {
    if (destroyed) return;
    const v = view();
    if (v.icon !== shownIcon) {
      tray.setImage(image(v.icon));
      shownIcon = v.icon;
    }
    if (v.tooltip !== shownTooltip) {
      tray.setToolTip(v.tooltip);
      shownTooltip = v.tooltip;
    }
    const menuKey = JSON.stringify(v.menu);
    if (menuKey === shownMenu) return;
    shownMenu = menuKey;
    const template: MenuItemConstructorOptions[] = v.menu.map((item) =>
      item.type === 'separator'
        ? { type: 'separator' }
        : { id: item.id, label: item.label, enabled: item.enabled, click: () => void run(item.id) },
    );
    tray.setContextMenu(Menu.buildFromTemplate(template));
  };

  const refresh = (): void => {
    try {
      summary = core.healthSummary();
    } catch {
      // The store is closed while quitting: keep the last summary.
    }
    render();
  };

  const perform = async (action: TrayAction): Promise<void> => {
    switch (action) {
      case 'show':
        return options.showWindow();
      case 'quit':
        return options.quit();
      case 'update.restart':
        await callCoreOrThrow(core, 'updates.restart');
        return;
      case 'bot.toggle':
        await callCoreOrThrow(core, isBotOn(bot ?? summary.bot.status) ? 'bot.stop' : 'bot.start');
        return;
      case 'queue.toggle':
        await callCoreOrThrow(core, 'queue.pause', { paused: !summary.queue.paused });
        return;
      case 'comfy.toggle':
        await callCoreOrThrow(core, launchedComfyRunning(summary) ? 'comfy.stop' : 'comfy.start');
        return;
      case 'health.run': {
        const output = HealthOutputSchema.safeParse(await callCoreOrThrow(core, 'health.run', {}));
        if (output.success) {
          const count = (s: string) => output.data.results.filter((r) => r.status === s).length;
          options.inform(
            'Health checks finished',
            `${count('ok')} passed, ${count('warn')} warnings, ${count('fail')} failed`,
          );
        }
        return;
      }
      case 'library.open': {
        const error = await options.openPath(core.config.libraryDir);
        if (error) throw new Error(error);
        return;
      }
    }
  };

  async function run(action: TrayAction): Promise<void> {
    if (pending.has(action)) return;
    pending.add(action);
    render();
    try {
      await perform(action);
    } catch (err) {
      core.logger.warn(`tray: ${action} failed`, { error: err });
      options.inform(ERROR_TITLES[action], (err as Error)?.message ?? String(err));
    } finally {
      pending.delete(action);
      if (action !== 'quit') refresh();
    }
  }

  const detach = [
    core.events.on('health.changed', (next) => {
      summary = next;
      render();
    }),
    core.events.on('comfy.launcher', (status) => {
      launcher = status;
      render();
    }),
    core.events.on('bot.changed', (state) => {
      bot = state.status;
      render();
    }),
    core.events.on('settings.changed', () => refresh()),
    core.events.on('updates.changed', (state) => {
      update =
        state.status === 'downloaded' && state.version
          ? { version: state.version, waitingFor: state.restartPending ? state.restartBlockedBy : null }
          : null;
      render();
    }),
    core.events.on('download.changed', (d) => {
      const going = trayDownload(d, downloads.get(d.id)?.etaSeconds ?? null);
      if (going) downloads.set(d.id, going);
      else downloads.delete(d.id);
      render();
    }),
    core.events.on('download.progress', (p) => {
      const d = downloads.get(p.id);
      if (!d) return;
      downloads.set(p.id, { ...d, bytesDone: p.bytesDone, totalBytes: p.totalBytes, etaSeconds: p.etaSeconds });
      render();
    }),
  ];

  // Downloads resumed at start began before the tray: take them from the list once.
  void callCoreOrThrow(core, 'downloads.list')
    .then((list) => {
      const parsed = z.array(DownloadViewSchema).safeParse(list);
      if (!parsed.success) return;
      for (const d of [...parsed.data].reverse()) {
        const going = downloads.has(d.id) ? null : trayDownload(d);
        if (going) downloads.set(d.id, going);
      }
      render();
    })
    .catch(() => undefined);

  // The launched ComfyUIs' state before their next change.
  void callCoreOrThrow(core, 'comfy.launchSettings')
    .then((view) => {
      const parsed = LaunchSettingsViewSchema.safeParse(view);
      if (parsed.success && launcher === null) launcher = parsed.data.launcher;
      render();
    })
    .catch(() => undefined);

  tray.on('click', () => {
    // Windows and most Linux trays: a left click opens the window; the menu is on right click.
    if (platform !== 'darwin') options.showWindow();
  });
  render();

  return {
    view,
    run,
    destroy() {
      destroyed = true;
      for (const off of detach) off();
      tray.destroy();
    },
  };
}
