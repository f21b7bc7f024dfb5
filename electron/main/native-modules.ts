/**
 * better-sqlite3 in Electron. Its compiled addon is tied to one ABI: node_modules keeps Node's build (tests and
 * headless use it), the packaged app gets an Electron build at packaging time (scripts/electron-native.mjs as
 * electron-builder's afterPack), and a development run (`npm start` / `npm run dev`) uses an Electron build kept
 * apart in node_modules/.cache, fetched on the first development start (or by hand with
 * `node scripts/electron-native.mjs`). Nothing ever rebuilds the
 * module in place, so `npm test` keeps working after `npm start` or `npm run dist`.
 *
 * sharp needs nothing: it is a Node-API addon (ABI-stable), loaded from @img/sharp-<platform> in both runtimes.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SQLITE_BINDING_ENV } from '@core/store/db';

export { SQLITE_BINDING_ENV };
export const NATIVE_SCRIPT = 'node scripts/electron-native.mjs';

/** Must match devBindingPath in scripts/electron-native.mjs (a test checks it). */
export function devSqliteBindingPath(appPath: string, electronVersion: string, platform: string, arch: string): string {
  return join(
    appPath,
    'node_modules',
    '.cache',
    'comfydesk-electron',
    `electron-${electronVersion}-${platform}-${arch}`,
    'better_sqlite3.node',
  );
}

export interface DevBindingContext {
  isPackaged: boolean;
  appPath: string;
  electronVersion: string;
  platform?: string;
  arch?: string;
  env?: NodeJS.ProcessEnv;
  /** Called once when the development build is missing, to fetch it (runs scripts/electron-native.mjs). */
  fetchMissing?(script: string): void;
}

/** In a development run, points the store at the Electron build when there is one. Returns the path used. */
export function useDevSqliteBinding(ctx: DevBindingContext): string | null {
  const env = ctx.env ?? process.env;
  if (ctx.isPackaged) return null;
  if (env[SQLITE_BINDING_ENV]) return env[SQLITE_BINDING_ENV]!;
  const file = devSqliteBindingPath(
    ctx.appPath,
    ctx.electronVersion,
    ctx.platform ?? process.platform,
    ctx.arch ?? process.arch,
  );
  if (!existsSync(file) && ctx.fetchMissing) ctx.fetchMissing(join(ctx.appPath, 'scripts', 'electron-native.mjs'));
  if (!existsSync(file)) return null;
  env[SQLITE_BINDING_ENV] = file;
  return file;
}

/** The start-up error for the user, with the fix when it is the classic ABI mismatch. */
export function explainStartupError(err: unknown, isPackaged: boolean): string {
  const message = (err as Error)?.message ?? String(err);
  const abi =
    /NODE_MODULE_VERSION|compiled against a different Node\.js version|ERR_DLOPEN_FAILED|better_sqlite3\.node/i.test(
      message,
    );
  if (!abi) return message;
  return isPackaged
    ? `${message}\n\nThe database module in this installation does not match its Electron version. Please reinstall ComfyDesk.`
    : `${message}\n\nThe database module (better-sqlite3) is built for Node, not for Electron. Run once:\n\n  ${NATIVE_SCRIPT}\n\n` +
        'It fetches an Electron build into node_modules/.cache and leaves Node’s build (used by npm test) alone.';
}
