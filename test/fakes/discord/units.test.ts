import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock';
import { FakeHttpError } from './errors';
import { checkMessage, messageBodySchema } from './limits';
import { ALL_PERMISSIONS, Perm, channelPermissions, type PermissionSubject } from './permissions';
import { RateLimiter } from './ratelimit';
import type { RecordedFile } from './recorder';
import { SnowflakeSource, snowflakeTimestamp } from './snowflake';

const file = (size: number, n = 0): RecordedFile => ({
  field: `files[${n}]`,
  filename: `f${n}.png`,
  contentType: 'image/png',
  bytes: Buffer.alloc(size),
  size,
});

function failure(fn: () => void): { status: number; body: unknown } {
  try {
    fn();
  } catch (e) {
    if (e instanceof FakeHttpError) return { status: e.status, body: e.body };
    throw e;
  }
  throw new Error('expected a FakeHttpError');
}

describe('fake discord building blocks', () => {
  it('ManualClock fires due timers in order and snowflakes follow it', () => {
    const clock = new ManualClock(1_700_000_000_000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b'), 200);
    clock.setTimeout(() => fired.push('a'), 100);
    const cancelled = clock.setTimeout(() => fired.push('x'), 150);
    clock.clearTimeout(cancelled);
    clock.advance(150);
    expect(fired).toEqual(['a']);
    clock.advance(50);
    expect(fired).toEqual(['a', 'b']);
    const ids = new SnowflakeSource(clock);
    const a = ids.next();
    const b = ids.next();
    expect(BigInt(b)).toBeGreaterThan(BigInt(a));
    expect(a).toMatch(/^\d{17,19}$/);
    expect(snowflakeTimestamp(a)).toBe(clock.now());
  });

  it('message limits: file count, size, empty message, trimmed lengths', () => {
    const body = (v: unknown) => messageBodySchema.parse(v);
    expect(
      failure(() =>
        checkMessage(body({ content: 'x' }), {
          create: true,
          files: Array.from({ length: 11 }, (_, n) => file(1, n)),
          uploadLimit: 10,
        }),
      ),
    ).toMatchObject({ status: 400, body: { code: 30015 } });
    expect(failure(() => checkMessage(body({}), { create: true, files: [file(11)], uploadLimit: 10 }))).toMatchObject({
      status: 413,
      body: { code: 40005 },
    });
    expect(
      failure(() => checkMessage(body({ content: '' }), { create: true, files: [], uploadLimit: 10 })),
    ).toMatchObject({ body: { code: 50006 } });
    // Leading/trailing whitespace does not count (discord-facts.md §4.2).
    expect(() =>
      checkMessage(body({ embeds: [{ title: `  ${'t'.repeat(256)}  ` }] }), {
        create: true,
        files: [],
        uploadLimit: 10,
      }),
    ).not.toThrow();
    expect(
      failure(() =>
        checkMessage(body({ embeds: [{ title: 't'.repeat(257) }] }), { create: true, files: [], uploadLimit: 10 }),
      ),
    ).toMatchObject({
      body: { code: 50035, errors: { embeds: { '0': { title: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } } } },
    });
    expect(() => checkMessage(body({}), { create: false, files: [], uploadLimit: 10 })).not.toThrow();
  });

  it('permissions: owner, administrator, overwrites, and no VIEW_CHANNEL means nothing', () => {
    const subject = (over: Partial<PermissionSubject> = {}): PermissionSubject => ({
      guildId: 'g',
      ownerId: 'owner',
      rolePermissions: new Map([
        ['g', Perm.ViewChannel | Perm.SendMessages | Perm.AttachFiles],
        ['admin', Perm.Administrator],
        ['mod', Perm.ManageMessages],
      ]),
      memberId: 'm',
      memberRoles: [],
      ...over,
    });
    const denySend = [{ id: 'g', type: 0 as const, allow: 0n, deny: Perm.SendMessages }];
    expect(channelPermissions(subject({ memberId: 'owner' }), denySend)).toBe(ALL_PERMISSIONS);
    expect(channelPermissions(subject({ memberRoles: ['admin'] }), denySend)).toBe(ALL_PERMISSIONS);
    const denied = channelPermissions(subject(), denySend);
    expect(denied & Perm.SendMessages).toBe(0n);
    expect(denied & Perm.AttachFiles).toBe(0n); // implied by the missing SEND_MESSAGES (§8.1)
    const allowBack = [...denySend, { id: 'm', type: 1 as const, allow: Perm.SendMessages, deny: 0n }];
    expect(channelPermissions(subject(), allowBack) & Perm.SendMessages).toBe(Perm.SendMessages);
    expect(channelPermissions(subject(), [{ id: 'g', type: 0, allow: 0n, deny: Perm.ViewChannel }])).toBe(0n);
  });

  it('rate limiter: headers count down, then 429 with retry_after until the window resets', () => {
    const clock = new ManualClock(1_000_000);
    const limiter = new RateLimiter({ route: { limit: 2, windowMs: 1000 }, messageEdits: false, global: false }, clock);
    const req = {
      method: 'PATCH',
      route: '/channels/:channel_id/messages/:message_id',
      major: '1',
      editKey: null,
      interactionRoute: false,
      globalKey: 't',
    };
    expect(limiter.check(req)['X-RateLimit-Remaining']).toBe('1');
    expect(limiter.check(req)['X-RateLimit-Remaining']).toBe('0');
    clock.advance(250);
    const limited = failure(() => limiter.check(req));
    expect(limited).toMatchObject({ status: 429, body: { retry_after: 0.75, global: false } });
    clock.advance(750);
    expect(limiter.check(req)['X-RateLimit-Remaining']).toBe('1');
    expect(limiter.check({ ...req, major: '2' })['X-RateLimit-Remaining']).toBe('1'); // other channel, own bucket
    expect(limiter.hits).toEqual([
      { kind: 'route', key: 'route:PATCH /channels/:channel_id/messages/:message_id:1', retryAfterMs: 750 },
    ]);
  });

  it('global limit: per bot token per second, interaction routes exempt, 429 marked global', () => {
    const clock = new ManualClock(2_000_000);
    const limiter = new RateLimiter({ route: false, messageEdits: false, global: { perSecond: 2 } }, clock);
    const bot = {
      method: 'GET',
      route: '/users/@me',
      major: 'global',
      editKey: null,
      interactionRoute: false,
      globalKey: 'token',
    };
    limiter.check(bot);
    limiter.check(bot);
    for (let n = 0; n < 5; n += 1) limiter.check({ ...bot, interactionRoute: true, globalKey: null });
    const limited = failure(() => limiter.check(bot)) as { status: number; body: unknown };
    expect(limited).toMatchObject({ status: 429, body: { global: true, retry_after: 1 } });
    clock.advance(1000);
    expect(() => limiter.check(bot)).not.toThrow();
  });
});
