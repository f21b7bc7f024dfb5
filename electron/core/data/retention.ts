/**
 * Library retention: read the outputs in pages, plan once (retention-plan.ts), and either say what would go (dry
 * run) or remove exactly that in small batches — each batch checked again (a favourite made meanwhile stays),
 * its rows, files and thumbnails removed together through the library — letting the event loop run between
 * pages, chunks of the plan and batches so jobs keep flowing.
 */
import type { RetentionSummary } from '@shared/api/data';
import type { RetentionRule } from '@shared/settings';
import type { Library } from '@core/library/library';
import type { LibraryUpkeepRepo } from '@core/store/library-upkeep-repo';
import { planRetention, type RetentionRow } from './retention-plan';

const PAGE = 1_000;
const BATCH = 100;

export interface RetentionDeps {
  upkeep: LibraryUpkeepRepo;
  library: Pick<Library, 'removeMany'>;
  now: () => number;
  /** Stop between batches (the core is stopping). */
  signal?: AbortSignal;
}

/** Let timers, I/O and other work run. */
export const breathe = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function readAll(upkeep: LibraryUpkeepRepo, signal?: AbortSignal): Promise<RetentionRow[]> {
  const rows: RetentionRow[] = [];
  let after: { createdAt: number; id: number } | null = null;
  for (;;) {
    signal?.throwIfAborted();
    const page = upkeep.newestFirst(after, PAGE);
    rows.push(...page);
    if (page.length < PAGE) return rows;
    const last = page[page.length - 1]!;
    after = { createdAt: last.createdAt, id: last.id };
    await breathe();
  }
}

function summarize(
  rules: readonly RetentionRule[],
  gone: readonly RetentionRow[],
  ruleOf: Map<number, number>,
  kept: number,
  dryRun: boolean,
  at: number,
): RetentionSummary {
  const byRule = rules.map((r) => ({ ruleId: r.id, count: 0, bytes: 0 }));
  let bytes = 0;
  let oldest: number | null = null;
  let newest: number | null = null;
  for (const row of gone) {
    bytes += row.bytes;
    oldest = oldest === null ? row.createdAt : Math.min(oldest, row.createdAt);
    newest = newest === null ? row.createdAt : Math.max(newest, row.createdAt);
    const entry = byRule[ruleOf.get(row.id) ?? -1];
    if (entry) {
      entry.count++;
      entry.bytes += row.bytes;
    }
  }
  return { dryRun, at, count: gone.length, bytes, oldest, newest, kept, byRule };
}

/** Plan the rules over the library as it is now. */
async function plan(deps: RetentionDeps, rules: readonly RetentionRule[]) {
  const rows = await readAll(deps.upkeep, deps.signal);
  const inUse = deps.upkeep.inUse();
  const at = deps.now();
  const planned = await planRetention(rules, rows, (r) => r.favourite || inUse.has(r.id), at, breathe);
  const byId = new Map<number, RetentionRow>();
  for (let i = 0; i < rows.length; i++) {
    if (planned.ruleOf.has(rows[i]!.id)) byId.set(rows[i]!.id, rows[i]!);
    if (i % 10_000 === 9_999) await breathe();
  }
  return { ...planned, byId, at };
}

/** What the rules would remove now; nothing is deleted. */
export async function retentionDryRun(deps: RetentionDeps, rules: readonly RetentionRule[]): Promise<RetentionSummary> {
  const p = await plan(deps, rules);
  return summarize(
    rules,
    p.ids.map((id) => p.byId.get(id)!),
    p.ruleOf,
    p.kept,
    true,
    p.at,
  );
}

/**
 * Remove what the rules say, oldest first, in batches; returns what was removed. The rows of one batch go while
 * the files of the one before are being unlinked (the trash keeps that safe across a crash).
 */
export async function retentionRun(deps: RetentionDeps, rules: readonly RetentionRule[]): Promise<RetentionSummary> {
  const p = await plan(deps, rules);
  const gone: RetentionRow[] = [];
  let kept = p.kept;
  let unlinking: Promise<number[]> | null = null;
  const settle = async () => {
    for (const id of (await unlinking) ?? []) gone.push(p.byId.get(id)!);
    unlinking = null;
  };
  try {
    for (let i = 0; i < p.ids.length && !deps.signal?.aborted; i += BATCH) {
      // Checked again now: a favourite made (or a job that took it as input) since the plan keeps it.
      const allowed = deps.upkeep.removable(p.ids.slice(i, i + BATCH));
      kept += allowed.protected;
      // removeMany removes the rows at once and then unlinks the files.
      const next = deps.library.removeMany(allowed.ids);
      await settle();
      unlinking = next;
      await breathe();
    }
  } finally {
    await settle();
  }
  return summarize(rules, gone, p.ruleOf, kept, false, p.at);
}
