/**
 * What the retention rules remove, decided once from the outputs (newest first) and used by both the dry run and
 * the real run, so they agree. Pure: no database, no files, no clock.
 *
 * Each rule looks at the outputs of its scope that no earlier rule already removes:
 *   - older than N days: made before now − N days;
 *   - keep the last N per person: each person's N newest stay, the older ones go;
 *   - at most N GB: outputs that stay (protected ones first) are counted newest first; once the total would pass
 *     N GB, everything older goes.
 * Protected outputs (favourites, used by a template or an unfinished job) never go; those a rule picked are
 * counted as `kept`.
 */
import type { RetentionRule } from '@shared/settings';

export interface RetentionRow {
  id: number;
  userId: string;
  guildId: string | null;
  bytes: number;
  createdAt: number;
  favourite: boolean;
}

export interface RetentionPlan {
  /** Ids to remove, oldest first. */
  ids: number[];
  /** The rule (index in the list) that removes each id. */
  ruleOf: Map<number, number>;
  /** Protected outputs a rule picked. */
  kept: number;
}

const DAY_MS = 24 * 3600_000;
const GB = 1024 ** 3;
const DESKTOP_USER = 'desktop';

/** Rows looked at between two pauses. */
const CHUNK = 2_500;

/** Whether a row is in a rule's scope (the guild id taken out of the scope once). */
export function scopeTest(scope: RetentionRule['scope']): (row: Pick<RetentionRow, 'userId' | 'guildId'>) => boolean {
  if (scope === 'all') return () => true;
  if (scope === 'desktop') return (row) => row.userId === DESKTOP_USER;
  const guildId = scope.slice('guild:'.length);
  return (row) => row.guildId === guildId;
}

/** `fn` over every row, pausing every CHUNK rows. */
async function each(rows: readonly RetentionRow[], fn: (row: RetentionRow) => void, pause: () => Promise<void>) {
  for (let i = 0; i < rows.length; i++) {
    fn(rows[i]!);
    if (i % CHUNK === CHUNK - 1) await pause();
  }
}

/**
 * `rows` newest first (created_at DESC, id DESC); `isProtected` says whether an output must stay. Every row is
 * looked at a few times per rule; `pause` is awaited every few thousand rows (the caller lets the event loop run).
 */
export async function planRetention(
  rules: readonly RetentionRule[],
  rows: readonly RetentionRow[],
  isProtected: (row: RetentionRow) => boolean,
  now: number,
  pause: () => Promise<void> = () => Promise.resolve(),
): Promise<RetentionPlan> {
  const ruleOf = new Map<number, number>();
  const keptIds = new Set<number>();
  for (const [index, rule] of rules.entries()) {
    const inScope = scopeTest(rule.scope);
    const cutoff = rule.olderThanDays === null ? null : now - rule.olderThanDays * DAY_MS;
    const keepLast = rule.keepLastPerUser;
    const perUser = new Map<string, number>();
    const picked = new Set<number>();
    /** Rows of this rule's scope that no earlier rule removes. */
    const open = (row: RetentionRow) => !ruleOf.has(row.id) && inScope(row);
    await each(
      rows,
      (row) => {
        if (!open(row)) return;
        const rank = (perUser.get(row.userId) ?? 0) + 1;
        perUser.set(row.userId, rank);
        const goes = (cutoff !== null && row.createdAt < cutoff) || (keepLast !== null && rank > keepLast);
        if (!goes) return;
        if (isProtected(row)) keptIds.add(row.id);
        else picked.add(row.id);
      },
      pause,
    );
    if (rule.maxGb !== null) {
      const budget = rule.maxGb * GB;
      let used = 0;
      await each(rows, (row) => void (open(row) && isProtected(row) && (used += row.bytes)), pause);
      let full = false;
      await each(
        rows,
        (row) => {
          if (!open(row) || picked.has(row.id) || isProtected(row)) return;
          if (!full && used + row.bytes <= budget) used += row.bytes;
          else {
            full = true;
            picked.add(row.id);
          }
        },
        pause,
      );
    }
    for (const id of picked) ruleOf.set(id, index);
    await pause();
  }
  const ids: number[] = [];
  for (let i = rows.length - 1; i >= 0; i--) if (ruleOf.has(rows[i]!.id)) ids.push(rows[i]!.id);
  let kept = 0;
  for (const id of keptIds) if (!ruleOf.has(id)) kept++;
  return { ids, ruleOf, kept };
}
