import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { forgetSecrets, redact, registerSecret } from '@core/log';
import { createFileLogger } from '@core/log-file';
import { FileSecretStore } from '@core/secrets';
import { tempDirs } from '../helpers/temp-dir';

const dirs = tempDirs();
afterEach(() => {
  dirs.cleanup();
  forgetSecrets();
});

// Shaped like a real bot token (id.timestamp.hmac) but made up.
const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB';

describe('redaction', () => {
  it('masks token-shaped strings, auth headers and key=value secrets', () => {
    expect(redact(`login with ${TOKEN} now`)).not.toContain(TOKEN);
    expect(redact('Authorization: Bot abc.def.ghijklmnop')).toBe('Authorization: Bot [redacted]');
    expect(redact('{"token":"s3cr3tvalue"}')).not.toContain('s3cr3tvalue');
    expect(redact('nothing secret here')).toBe('nothing secret here');
  });

  it('masks a registered secret of any shape', () => {
    registerSecret('plainsecret42');
    expect(redact('value=plainsecret42 and more')).toBe('value=[redacted] and more');
  });

  it('never writes the Discord token to the log file, in the message or in meta', () => {
    const dir = dirs.make();
    const logger = createFileLogger({ dir, console: false });
    logger.info(`token is ${TOKEN}`);
    logger.child('discord').error('login failed', {
      token: TOKEN,
      headers: { authorization: `Bot ${TOKEN}` },
      error: new Error(`bad ${TOKEN}`),
    });
    const text = readFileSync(join(dir, 'comfydesk.log'), 'utf8');
    expect(text).not.toContain(TOKEN);
    expect(text).toContain('[core:discord] login failed');
    expect(text.split('\n').filter(Boolean)).toHaveLength(2);
  });

  it('a secret read from the secret store is masked even when it is not token-shaped', () => {
    const dir = dirs.make();
    const secrets = new FileSecretStore(join(dir, 'secrets'), {});
    secrets.set('discordToken', 'short-odd-secret');
    const logger = createFileLogger({ dir, console: false });
    logger.warn('oops short-odd-secret leaked');
    expect(readFileSync(join(dir, 'comfydesk.log'), 'utf8')).not.toContain('short-odd-secret');
  });
});

describe('file logger', () => {
  it('rotates by size and keeps a bounded number of files', () => {
    const dir = dirs.make();
    const logger = createFileLogger({ dir, console: false, maxBytes: 500, keep: 2 });
    for (let i = 0; i < 40; i++) logger.info(`line ${i} ${'x'.repeat(40)}`);
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['comfydesk.1.log', 'comfydesk.2.log', 'comfydesk.log']);
    expect(readFileSync(join(dir, 'comfydesk.log'), 'utf8')).toContain('line 39');
  });

  it('drops lines below its level', () => {
    const dir = dirs.make();
    const logger = createFileLogger({ dir, console: false, level: 'warn' });
    logger.info('quiet');
    logger.warn('loud');
    const text = readFileSync(join(dir, 'comfydesk.log'), 'utf8');
    expect(text).toContain('loud');
    expect(text).not.toContain('quiet');
  });
});

describe('headless secret store', () => {
  it('keeps the token in a 0600 file and prefers the environment', () => {
    const dir = dirs.make();
    const store = new FileSecretStore(join(dir, 'secrets'), {});
    expect(store.get('discordToken')).toBeNull();
    store.set('discordToken', TOKEN);
    expect(store.get('discordToken')).toBe(TOKEN);
    if (process.platform !== 'win32') {
      expect(statSync(join(dir, 'secrets', 'discordToken')).mode & 0o777).toBe(0o600);
    }
    expect(
      new FileSecretStore(join(dir, 'secrets'), { COMFYDESK_DISCORD_TOKEN: 'from-env-token' }).get('discordToken'),
    ).toBe('from-env-token');
    store.delete('discordToken');
    expect(store.get('discordToken')).toBeNull();
  });
});
