import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@core/config';
import { defaultDataDir } from '@core/paths';
import { tempDirs } from '../helpers/temp-dir';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

function withFile(content: string): string {
  const dir = dirs.make();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), content);
  return dir;
}

describe('config', () => {
  it('has sensible defaults: loopback, library inside the data dir', () => {
    const dir = dirs.make();
    const cfg = loadConfig({ dataDir: dir, env: {} });
    expect(cfg.server).toEqual({ host: '127.0.0.1', port: 8787 });
    expect(cfg.libraryDir).toBe(join(dir, 'library'));
    expect(cfg.comfy.urls).toEqual([]);
    expect(cfg.logLevel).toBe('info');
  });

  it('reads the file, then environment overrides, then the command line', () => {
    const dir = withFile(
      JSON.stringify({ server: { port: 9000 }, comfy: { urls: ['http://gpu.local:8188/'] }, libraryDir: 'out' }),
    );
    const cfg = loadConfig({
      dataDir: dir,
      env: {
        COMFYDESK_PORT: '9100',
        COMFYDESK_COMFY_URLS: 'http://a:1, http://b:2',
        COMFYDESK_COMFY_AUTOLAUNCH: 'yes',
      },
      overrides: { server: { host: '0.0.0.0' } },
    });
    expect(cfg.server).toEqual({ host: '0.0.0.0', port: 9100 });
    expect(cfg.comfy.urls).toEqual(['http://a:1', 'http://b:2']);
    expect(cfg.comfy.autoLaunch).toBe(true);
    expect(cfg.libraryDir).toBe(join(dir, 'out'));
    const fileOnly = loadConfig({ dataDir: dir, env: {} });
    expect(fileOnly.comfy.urls).toEqual(['http://gpu.local:8188']);
  });

  it('names the bad key and where it came from', () => {
    const dir = dirs.make();
    expect(() => loadConfig({ dataDir: dir, env: { COMFYDESK_PORT: 'eighty' } })).toThrow(
      /server\.port: .*\(from environment variable COMFYDESK_PORT\)/,
    );
    expect(() => loadConfig({ dataDir: dir, env: { COMFYDESK_LOG_LEVEL: 'loud' } })).toThrow(/logLevel/);
    const bad = withFile(JSON.stringify({ comfy: { urls: ['ftp://x'] } }));
    expect(() => loadConfig({ dataDir: bad, env: {} })).toThrow(/comfy\.urls\.0: .*config\.json/);
    const unknown = withFile(JSON.stringify({ sever: {} }));
    expect(() => loadConfig({ dataDir: unknown, env: {} })).toThrow(/sever/);
  });

  it('takes extra ComfyUI flags and a fixed launch port from the file or the environment, refusing the reserved ones', () => {
    const dir = withFile(JSON.stringify({ comfy: { extraArgs: ['--lowvram'], launchPort: 8190 } }));
    const fromFile = loadConfig({ dataDir: dir, env: {} });
    expect(fromFile.comfy).toMatchObject({ extraArgs: ['--lowvram'], launchPort: 8190 });
    const fromEnv = loadConfig({
      dataDir: dir,
      env: {
        COMFYDESK_COMFY_ARGS: `--cpu --extra-model-paths-config "C:\\AI\\my paths.yaml"`,
        COMFYDESK_COMFY_PORT: '8200',
      },
    });
    expect(fromEnv.comfy.extraArgs).toEqual(['--cpu', '--extra-model-paths-config', 'C:\\AI\\my paths.yaml']);
    expect(fromEnv.comfy.launchPort).toBe(8200);
    expect(loadConfig({ dataDir: dirs.make(), env: {} }).comfy.extraArgs).toEqual([]);
    expect(() => loadConfig({ dataDir: dir, env: { COMFYDESK_COMFY_ARGS: '--port 9000' } })).toThrow(
      /comfy\.extraArgs: ComfyDesk sets --listen, --port.*\(from environment variable COMFYDESK_COMFY_ARGS\)/,
    );
    expect(() => loadConfig({ dataDir: dir, env: { COMFYDESK_COMFY_ARGS: '--cpu "unclosed' } })).toThrow(
      /comfy\.extraArgs: a list of flags.*every quote closed.*COMFYDESK_COMFY_ARGS/,
    );
    expect(() => loadConfig({ dataDir: dir, env: { COMFYDESK_COMFY_PORT: 'high' } })).toThrow(/comfy\.launchPort/);
  });

  it('refuses a config file that is not JSON, clearly', () => {
    const dir = withFile('{ port: 1');
    expect(() => loadConfig({ dataDir: dir, env: {} })).toThrow(ConfigError);
    expect(() => loadConfig({ dataDir: dir, env: {} })).toThrow(/config\.json is not valid JSON/);
  });

  it('data dir follows each OS convention', () => {
    expect(defaultDataDir('linux', {}, '/home/u')).toBe('/home/u/.local/share/ComfyDesk');
    expect(defaultDataDir('linux', { XDG_DATA_HOME: '/data' }, '/home/u')).toBe('/data/ComfyDesk');
    expect(defaultDataDir('darwin', {}, '/Users/u')).toBe('/Users/u/Library/Application Support/ComfyDesk');
    expect(defaultDataDir('win32', { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'C:\\Users\\u')).toBe(
      'C:\\Users\\u\\AppData\\Roaming\\ComfyDesk',
    );
    expect(defaultDataDir('win32', {}, 'C:\\Users\\u')).toBe('C:\\Users\\u\\AppData\\Roaming\\ComfyDesk');
  });

  it.runIf(process.platform === 'win32')('on this Windows machine the data dir is in %APPDATA%', () => {
    expect(process.env.APPDATA).toBeTruthy();
    expect(defaultDataDir()).toBe(`${process.env.APPDATA!.replace(/\\+$/, '')}\\ComfyDesk`);
    expect(loadConfig({ env: { APPDATA: process.env.APPDATA } }).dataDir).toBe(defaultDataDir());
  });

  it('uses COMFYDESK_DATA_DIR when the shell gives none', () => {
    const dir = dirs.make();
    expect(loadConfig({ env: { COMFYDESK_DATA_DIR: dir } }).dataDir).toBe(dir);
  });
});
