/**
 * "Start at login" (settings.startAtLogin) through the OS login items. Windows and macOS only: Electron has no
 * login items on Linux (a desktop file in ~/.config/autostart is the user's choice there). A development run
 * (unpackaged) never registers itself, or the bare Electron binary would start at login.
 */
import type { App } from 'electron';

/** Passed when started by the OS at login: the window stays hidden, the tray shows ComfyDesk is running. */
export const HIDDEN_ARG = '--hidden';

export type LoginItemApp = Pick<App, 'setLoginItemSettings' | 'getLoginItemSettings' | 'isPackaged'>;

/** Returns what was done, for the log. */
export function syncLoginItem(
  app: LoginItemApp,
  enabled: boolean,
  platform: NodeJS.Platform = process.platform,
): 'set' | 'unchanged' | 'unsupported' {
  if (platform !== 'win32' && platform !== 'darwin') return 'unsupported';
  if (!app.isPackaged) return 'unsupported';
  const args = [HIDDEN_ARG];
  if (app.getLoginItemSettings({ args }).openAtLogin === enabled) return 'unchanged';
  app.setLoginItemSettings({ openAtLogin: enabled, args });
  return 'set';
}

/** Started at login: our argument (Windows) or the macOS login-item flag. */
export function launchedAtLogin(
  app: Pick<App, 'getLoginItemSettings'>,
  argv: readonly string[],
  platform: NodeJS.Platform = process.platform,
): boolean {
  if (argv.includes(HIDDEN_ARG)) return true;
  if (platform !== 'darwin') return false;
  try {
    return app.getLoginItemSettings().wasOpenedAtLogin === true;
  } catch {
    return false;
  }
}
