/**
 * The Discord token never reaches a log: the core runs with the real file logger (debug level) against the
 * fake Discord, the bot is given a refused token, a bad one, the right one, started and stopped, and every
 * line written is searched for the tokens. The tokens are shaped so the pattern-based masking does not
 * recognise them: only the bot registering its token as a secret keeps them out.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '@core/app';
import { loadConfig } from '@core/config';
import { forgetSecrets, redact } from '@core/log';
import { createFileLogger } from '@core/log-file';
import { MemorySecretStore } from '@core/secrets';
import { fakeClientOptions, ManualClock, startFakeDiscord, type FakeDiscord } from '@test/fakes/discord';
import { stopCoreAndFake } from '@test/helpers/core';
import { tempDirs } from '@test/helpers/temp-dir';
import { watchProcess } from '../server/harness';

const dirs = tempDirs();
let core: Core | null = null;
let discord: FakeDiscord | null = null;
const watch = watchProcess();

beforeEach(() => forgetSecrets());
afterEach(async () => {
  await stopCoreAndFake(core, discord, dirs);
  core = discord = null;
  forgetSecrets();
});

/** Valid bot-token shape, but outside the masking pattern (22-char id part, 4-char middle, 24-char tail). */
const appPart = Buffer.from('1234567890123456').toString('base64url');
const GOOD = `${appPart}.GfAk.${'Zk9vQmFy'.repeat(3)}`;
const REFUSED = `${appPart}.NoNo.${'UmVmdXNl'.repeat(3)}`;

function logText(dir: string): string {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('');
}

describe('the Discord token in logs', () => {
  it('is absent from every line written while the bot is given tokens, refused, started and stopped', async () => {
    expect(redact(`x ${GOOD} y`)).toContain(GOOD); // the pattern alone would not catch these tokens
    discord = await startFakeDiscord({ token: GOOD, clock: new ManualClock(Date.now()) });
    const logDir = dirs.make('comfydesk-logs-');
    const logger = createFileLogger({ dir: logDir, level: 'debug', console: false });
    core = createCore({
      config: loadConfig({ dataDir: dirs.make(), env: {} }),
      mode: 'headless',
      secrets: new MemorySecretStore(),
      discoverUrls: [],
      logger,
      discord: { clientOptions: fakeClientOptions(discord), cdnOrigins: [discord.cdnUrl] },
    });
    await core.start();
    const call = (method: string, input?: unknown) => core!.api.dispatch(method, input, { caller: 'test' });

    // Refused by Discord: a readable error, and the failure is logged (without the token).
    expect(await call('bot.setToken', { token: REFUSED })).toMatchObject({ ok: true, output: { hasToken: true } });
    const refused = await call('bot.start');
    expect(refused).toMatchObject({
      ok: true,
      output: { status: 'error', error: expect.stringMatching(/refused the token/) },
    });

    // Not a token at all, or wrapped in junk: refused at the edge, and the answer does not echo it.
    for (const input of [{ token: `${GOOD}!!` }, { token: GOOD, extra: GOOD }, { token: `Bearer ${GOOD}` }]) {
      const answer = await call('bot.setToken', input);
      expect(answer.ok).toBe(false);
      if (!answer.ok) expect(answer.error.message).not.toContain(GOOD);
    }

    // The right token (pasted with its "Bot " prefix): online, then stopped and forgotten.
    expect(await call('bot.setToken', { token: `Bot ${GOOD}` })).toMatchObject({ ok: true });
    expect(await call('bot.start')).toMatchObject({ ok: true, output: { status: 'online' } });
    expect(await call('bot.stop')).toMatchObject({ ok: true });
    expect(await call('bot.clearToken')).toMatchObject({ ok: true, output: { hasToken: false } });

    // Discord unreachable: a readable error, logged without the token.
    await discord.close();
    discord = null;
    expect(await call('bot.setToken', { token: GOOD })).toMatchObject({ ok: true });
    expect(await call('bot.start')).toMatchObject({
      ok: true,
      output: { status: 'error', error: expect.stringMatching(/Could not connect to Discord/) },
    });

    // Any later line that carries a token (an error from a library, say) is masked too.
    logger.error('a library error', {
      error: new Error(`request with Authorization ${GOOD} failed`),
      url: `https://x/${REFUSED}`,
    });
    await core.stop();
    core = null;

    const text = logText(logDir);
    expect(text.match(/Discord login failed/g)).toHaveLength(2);
    expect(text).toMatch(/a library error/);
    for (const secret of [GOOD, REFUSED, GOOD.split('.')[2]!, REFUSED.split('.')[2]!])
      expect(text).not.toContain(secret);
    expect(watch.crashes).toEqual([]);
  });
});
