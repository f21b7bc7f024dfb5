import { homedir } from 'node:os';
import { posix, win32 } from 'node:path';

const APP_DIR = 'ComfyDesk';

/**
 * The OS convention for an app's data folder when running headless (the desktop shell passes Electron's
 * userData instead): XDG on Linux, Application Support on macOS, AppData\Roaming on Windows.
 */
export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string {
  // The target OS's own separators, whichever OS computes it (tests run every case everywhere).
  if (platform === 'win32') return win32.join(env.APPDATA || win32.join(home, 'AppData', 'Roaming'), APP_DIR);
  const join = posix.join;
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_DIR);
  const xdg =
    env.XDG_DATA_HOME && env.XDG_DATA_HOME.startsWith('/') ? env.XDG_DATA_HOME : join(home, '.local', 'share');
  return join(xdg, APP_DIR);
}
