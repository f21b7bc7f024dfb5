import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SafeStorageSecretStore } from '../../electron/main/secrets-safe-storage';
import { redact } from '@core/log';
import { fakeSafeStorage, resetFake } from './electron-fake';
import { tempDirs } from '../helpers/temp-dir';

const dirs = tempDirs();
afterEach(() => {
  resetFake();
  dirs.cleanup();
});

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB';

function store(env: NodeJS.ProcessEnv = {}, platform: NodeJS.Platform = 'linux') {
  const dir = join(dirs.make(), 'secrets');
  const warnings: string[] = [];
  const logger = { debug() {}, info() {}, error() {}, warn: (m: string) => void warnings.push(m), child: () => logger };
  return {
    dir,
    warnings,
    store: new SafeStorageSecretStore({ dir, safeStorage: fakeSafeStorage, env, platform, logger }),
  };
}

describe('SafeStorageSecretStore', () => {
  it('round-trips a token encrypted by the OS, in a 0600 file without the plain text', () => {
    const { store: s, dir } = store();
    expect(s.get('discordToken')).toBeNull();
    s.set('discordToken', TOKEN);
    expect(fakeSafeStorage.encryptString).toHaveBeenCalledWith(TOKEN);
    const file = join(dir, 'discordToken.enc');
    expect(readFileSync(file).toString('utf8')).not.toContain(TOKEN);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(s.get('discordToken')).toBe(TOKEN);
    expect(s.get('discordToken')).toBe(TOKEN);
    expect(fakeSafeStorage.decryptString).toHaveBeenCalledTimes(1);
    // A new store (next launch) reads it back.
    expect(new SafeStorageSecretStore({ dir, safeStorage: fakeSafeStorage, env: {} }).get('discordToken')).toBe(TOKEN);
    expect(redact(`token is ${TOKEN}`)).not.toContain(TOKEN);
    s.delete('discordToken');
    expect(existsSync(file)).toBe(false);
    expect(s.get('discordToken')).toBeNull();
    expect(s.describe()).toContain('encrypted by your keyring');
  });

  it('the environment variable wins and is never written', () => {
    const { store: s, dir } = store({ COMFYDESK_DISCORD_TOKEN: 'from-env-token-value' });
    expect(s.get('discordToken')).toBe('from-env-token-value');
    expect(existsSync(dir)).toBe(false);
  });

  it('without an OS keyring it refuses to store and says what to do', () => {
    fakeSafeStorage.available = false;
    const { store: s, dir, warnings } = store();
    expect(() => s.set('discordToken', TOKEN)).toThrow(
      /no keyring found.*COMFYDESK_DISCORD_TOKEN.*COMFYDESK_ALLOW_PLAINTEXT_SECRETS=1/s,
    );
    expect(existsSync(dir)).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(s.get('discordToken')).toBeNull();
    expect(s.describe()).toMatch(/no OS keyring/);
  });

  it("Linux's basic_text backend (a hard-coded key) counts as no keyring", () => {
    fakeSafeStorage.backend = 'basic_text';
    const { store: s } = store();
    expect(s.encryptionAvailable()).toBe(false);
    expect(() => s.set('discordToken', TOKEN)).toThrow(/no keyring/);
    // The same backend name means nothing on macOS/Windows.
    expect(store({}, 'darwin').store.encryptionAvailable()).toBe(true);
  });

  it('with the opt-in, keeps the token in a plain 0600 file and warns', () => {
    fakeSafeStorage.available = false;
    const { store: s, dir, warnings } = store({ COMFYDESK_ALLOW_PLAINTEXT_SECRETS: '1' });
    s.set('discordToken', TOKEN);
    expect(readFileSync(join(dir, 'discordToken'), 'utf8')).toBe(TOKEN);
    if (process.platform !== 'win32') expect(statSync(join(dir, 'discordToken')).mode & 0o777).toBe(0o600);
    expect(s.get('discordToken')).toBe(TOKEN);
    expect(warnings[0]).toMatch(/plain text/);
    s.delete('discordToken');
    expect(s.get('discordToken')).toBeNull();
  });

  it('a keyring that appears later takes over: the plain file is replaced by the encrypted one', () => {
    fakeSafeStorage.available = false;
    const { store: s, dir } = store({ COMFYDESK_ALLOW_PLAINTEXT_SECRETS: 'true' });
    s.set('discordToken', 'old-plain-token');
    fakeSafeStorage.available = true;
    s.set('discordToken', TOKEN);
    expect(existsSync(join(dir, 'discordToken'))).toBe(false);
    expect(s.get('discordToken')).toBe(TOKEN);
  });
});
