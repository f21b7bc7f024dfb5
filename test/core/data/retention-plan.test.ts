/** The retention rules' meaning, on plain rows: age, the last N per person, a size cap, scopes, protection. */
import { describe, expect, it } from 'vitest';
import { RetentionRuleSchema, type RetentionRule } from '@shared/settings';
import { planRetention, type RetentionRow } from '@core/data/retention-plan';

const DAY = 24 * 3600_000;
const NOW = Date.UTC(2026, 5, 1);
const MB = 1024 ** 2;

/** Rows newest first: one a day going back, for the given users in turn. */
function rows(n: number, users = ['a'], extra: (i: number) => Partial<RetentionRow> = () => ({})): RetentionRow[] {
  return Array.from({ length: n }, (_, i) => ({
    id: n - i,
    userId: users[i % users.length]!,
    guildId: null,
    bytes: 100 * MB,
    createdAt: NOW - i * DAY - 1,
    favourite: false,
    ...extra(i),
  }));
}

const rule = (r: Partial<RetentionRule>): RetentionRule => RetentionRuleSchema.parse({ id: 'r', scope: 'all', ...r });
const plan = (rules: RetentionRule[], rs: RetentionRow[], isProtected = (r: RetentionRow) => r.favourite) =>
  planRetention(rules, rs, isProtected, NOW);

describe('retention plan', () => {
  it('older than N days: everything made before now − N days goes, oldest first', async () => {
    const p = await plan([rule({ olderThanDays: 3 })], rows(6));
    // Made 0, 1, 2 days ago stay; 3, 4 and 5 days (and a millisecond) ago go.
    expect(p.ids).toEqual([1, 2, 3]);
  });

  it("keep the last N per person: each person's N newest stay", async () => {
    const rs = rows(9, ['a', 'b', 'c']);
    const p = await plan([rule({ keepLastPerUser: 2 })], rs);
    const kept = rs.filter((r) => !p.ids.includes(r.id));
    for (const user of ['a', 'b', 'c']) expect(kept.filter((r) => r.userId === user)).toHaveLength(2);
    expect(p.ids).toEqual([1, 2, 3]);
  });

  it('at most N GB: the newest that fit stay, everything older goes; favourites count first and stay', async () => {
    // 10 × 100 MB; a cap of 0.5 GB (512 MB) holds 5.
    expect((await plan([rule({ maxGb: 0.5 })], rows(10))).ids).toEqual([1, 2, 3, 4, 5]);
    // An old favourite of 300 MB uses the budget first: only 2 of the newest fit beside it.
    const withFavourite = rows(10, ['a'], (i) => (i === 9 ? { favourite: true, bytes: 300 * MB } : {}));
    const p = await plan([rule({ maxGb: 0.5 })], withFavourite);
    expect(p.ids).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(p.ids).not.toContain(1);
  });

  it('never picks a protected output, and counts the ones a rule wanted as kept', async () => {
    const rs = rows(6, ['a'], (i) => ({ favourite: i === 5 }));
    const inUse = new Set([2]);
    const p = await plan([rule({ olderThanDays: 1 })], rs, (r) => r.favourite || inUse.has(r.id));
    expect(p.ids).toEqual([3, 4, 5]);
    expect(p.kept).toBe(2);
  });

  it('a rule looks only at its scope: the desktop, or one server', async () => {
    const rs = rows(8, ['desktop', 'u1'], (i) => ({ guildId: i % 2 === 1 ? (i % 4 === 1 ? 'g1' : 'g2') : null }));
    const desktop = await plan([rule({ scope: 'desktop', keepLastPerUser: 1 })], rs);
    expect(desktop.ids.every((id) => rs.find((r) => r.id === id)!.userId === 'desktop')).toBe(true);
    expect(desktop.ids).toHaveLength(3);
    const g1 = await plan([rule({ scope: 'guild:g1', olderThanDays: 1 })], rs);
    expect(g1.ids.map((id) => rs.find((r) => r.id === id)!.guildId)).toEqual(['g1', 'g1']);
  });

  it('several rules: each looks at what earlier rules left, and says how much it removes', async () => {
    const rules = [rule({ id: 'age', olderThanDays: 8 }), rule({ id: 'size', maxGb: 0.5 })];
    const p = await plan(rules, rows(10));
    // Age takes days 8 and 9; the cap then keeps the newest 5 of the 8 left.
    expect(p.ids).toEqual([1, 2, 3, 4, 5]);
    expect([...p.ruleOf.entries()].sort((a, b) => a[0] - b[0])).toEqual([
      [1, 0],
      [2, 0],
      [3, 1],
      [4, 1],
      [5, 1],
    ]);
  });

  it('a rule needs at least one limit', () => {
    const parsed = RetentionRuleSchema.safeParse({ id: 'r', scope: 'all' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/at least one limit/);
    expect(RetentionRuleSchema.safeParse({ id: 'r', scope: 'elsewhere', olderThanDays: 3 }).success).toBe(false);
  });
});
