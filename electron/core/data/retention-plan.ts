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

export function inScope(scope: RetentionRule['scope'], row: Pick<RetentionRow, 'userId' | 'guildId'>): boolean {
  if (scope === 'all') return true;
  if (scope === 'desktop') return row.userId === DESKTOP_USER;
  return row.guildId === scope.slice('guild:'.length);
}

/**
 * `rows` newest first (created_at DESC, id DESC); `isProtected` says whether an output must stay. Every row is
 * looked at a few times per rule.
 */
export async function planRetention(
  rules: readonly RetentionRule[],
  rows: readonly RetentionRow[],
  isProtected: (row: RetentionRow) => boolean,
  now: number,
  /** Awaited between rules (the caller lets the event loop run). */
  pause: () => Promise<void> = () => Promise.resolve(),
): Promise<RetentionPlan> {
  const ruleOf = new Map<number, number>();
  const keptIds = new Set<number>();
  for (const [index, rule] of rules.entries()) {
    if (index > 0) await pause();
    const cutoff = rule.olderThanDays === null ? null : now - rule.olderThanDays * DAY_MS;
    const perUser = new Map<string, number>();
    const picked = new Set<number>();
    for (const row of rows) {
      if (ruleOf.has(row.id) || !inScope(rule.scope, row)) continue;
      const rank = (perUser.get(row.userId) ?? 0) + 1;
      perUser.set(row.userId, rank);
      const goes =
        (cutoff !== null && row.createdAt < cutoff) || (rule.keepLastPerUser !== null && rank > rule.keepLastPerUser);
      if (!goes) continue;
      if (isProtected(row)) keptIds.add(row.id);
      else picked.add(row.id);
    }
    if (rule.maxGb !== null) {
      const budget = rule.maxGb * GB;
      let used = 0;
      for (const row of rows) {
        if (!ruleOf.has(row.id) && inScope(rule.scope, row) && isProtected(row)) used += row.bytes;
      }
      let full = false;
      for (const row of rows) {
        if (ruleOf.has(row.id) || picked.has(row.id) || !inScope(rule.scope, row) || isProtected(row)) continue;
        if (!full && used + row.bytes <= budget) used += row.bytes;
        else {
          full = true;
          picked.add(row.id);
        }
      }
    }
    for (const id of picked) ruleOf.set(id, index);
  }
  const ids: number[] = [];
  for (let i = rows.length - 1; i >= 0; i--) if (ruleOf.has(rows[i]!.id)) ids.push(rows[i]!.id);
  let kept = 0;
  for (const id of keptIds) if (!ruleOf.has(id)) kept++;
  return { ids, ruleOf, kept };
}
