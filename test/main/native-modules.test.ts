import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  devSqliteBindingPath,
  explainStartupError,
  SQLITE_BINDING_ENV,
  useDevSqliteBinding,
} from '../../electron/main/native-modules';
import { tempDirs } from '../helpers/temp-dir';

const require = createRequire(import.meta.url);
type NativeScript = {
  devBindingPath(root: string, version: string, platform: string, arch: string): string;
  electronVersion(root?: string): string;
  afterPack(context: unknown): Promise<void>;
  default: unknown;
};
const scriptUrl: string = pathToFileURL(join(__dirname, '../../scripts/electron-native.mjs')).href;
const script = (await import(scriptUrl)) as NativeScript;
const dirs = tempDirs();
afterEach(() => dirs.cleanup());

describe('native modules (better-sqlite3 in Electron)', () => {
  it('the app and the script agree where the development build lives', () => {
    expect(devSqliteBindingPath('/repo', '41.10.7', 'linux', 'x64')).toBe(
      script.devBindingPath('/repo', '41.10.7', 'linux', 'x64'),
    );
    expect(script.electronVersion()).toMatch(/^\d+\.\d+\.\d+/);
    // electron-builder takes the hook from the default export.
    expect(script.default).toBe(script.afterPack);
  });

  it('a development run uses the Electron build when present; packaged and plain runs leave the store alone', () => {
    const appPath = dirs.make();
    const env: NodeJS.ProcessEnv = {};
    const ctx = { appPath, electronVersion: '41.10.7', platform: 'linux', arch: 'x64', env };
    expect(useDevSqliteBinding({ ...ctx, isPackaged: false })).toBeNull();
    expect(env[SQLITE_BINDING_ENV]).toBeUndefined();
    const file = devSqliteBindingPath(appPath, '41.10.7', 'linux', 'x64');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, 'binary');
    expect(useDevSqliteBinding({ ...ctx, isPackaged: true })).toBeNull();
    expect(useDevSqliteBinding({ ...ctx, isPackaged: false })).toBe(file);
    expect(env[SQLITE_BINDING_ENV]).toBe(file);
  });

  it('a first development start fetches the missing build with the script, once', () => {
    const appPath = dirs.make();
    const env: NodeJS.ProcessEnv = {};
    const file = devSqliteBindingPath(appPath, '41.10.7', 'linux', 'x64');
    const fetched: string[] = [];
    const fetchMissing = (script: string) => {
      fetched.push(script);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, 'binary');
    };
    const ctx = {
      appPath,
      electronVersion: '41.10.7',
      platform: 'linux',
      arch: 'x64',
      env,
      isPackaged: false,
      fetchMissing,
    };
    expect(useDevSqliteBinding(ctx)).toBe(file);
    expect(fetched).toEqual([join(appPath, 'scripts', 'electron-native.mjs')]);
    delete env[SQLITE_BINDING_ENV];
    expect(useDevSqliteBinding(ctx)).toBe(file);
    expect(fetched).toHaveLength(1);
    // A fetch that fails (offline) leaves the store alone; start-up then explains the fix.
    const offline = { ...ctx, appPath: dirs.make(), env: {} as NodeJS.ProcessEnv, fetchMissing: () => {} };
    expect(useDevSqliteBinding(offline)).toBeNull();
  });

  it('an ABI mismatch at start-up is explained with the fix', () => {
    const err = new Error(
      "The module 'better_sqlite3.node' was compiled against a different Node.js version using NODE_MODULE_VERSION 115. This version of Node.js requires NODE_MODULE_VERSION 139.",
    );
    expect(explainStartupError(err, false)).toContain('node scripts/electron-native.mjs');
    expect(explainStartupError(err, true)).toContain('reinstall');
    expect(explainStartupError(new Error('Invalid configuration: port'), false)).toBe('Invalid configuration: port');
  });

  it('afterPack refuses a package without an unpacked better-sqlite3 (asarUnpack missing)', async () => {
    const out = dirs.make();
    await expect(
      script.afterPack({
        appOutDir: out,
        electronPlatformName: 'linux',
        arch: 1,
        packager: { appInfo: { productFilename: 'ComfyDesk' }, config: {} },
      }),
    ).rejects.toThrow(/missing from the packaged app.*asarUnpack/);
  });

  it('the store opens with the binding the shell chose (here: Node’s own build, passed explicitly)', async () => {
    const { openDatabase } = await import('@core/store/db');
    const binding = join(
      dirname(require.resolve('better-sqlite3/package.json')),
      'build',
      'Release',
      'better_sqlite3.node',
    );
    const before = process.env[SQLITE_BINDING_ENV];
    process.env[SQLITE_BINDING_ENV] = binding;
    try {
      const db = openDatabase(':memory:');
      expect(db.prepare('SELECT 1 AS one').get()).toEqual({ one: 1 });
      db.close();
      process.env[SQLITE_BINDING_ENV] = join(dirs.make(), 'missing.node');
      expect(() => openDatabase(':memory:')).toThrow();
    } finally {
      if (before === undefined) delete process.env[SQLITE_BINDING_ENV];
      else process.env[SQLITE_BINDING_ENV] = before;
    }
  });
});
