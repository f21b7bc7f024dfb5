/** Health results as plain data (pure functions, tested without a browser). */
import type { HealthCheckResult, HealthFix } from '@shared/api/health';

const RANK = { fail: 0, warn: 1, ok: 2 } as const;

/** Failures first, then warnings, then passes; the order they came in within each. */
export function sortChecks(checks: readonly HealthCheckResult[]): HealthCheckResult[] {
  return checks
    .map((c, i) => [c, i] as const)
    .sort(([a, i], [b, j]) => RANK[a.status] - RANK[b.status] || i - j)
    .map(([c]) => c);
}

/** A streamed result replaces the row of the same check (or joins the list), keeping the order sorted. */
export function mergeCheck(checks: readonly HealthCheckResult[], result: HealthCheckResult): HealthCheckResult[] {
  const at = checks.findIndex((c) => c.id === result.id);
  const next = at >= 0 ? checks.map((c, i) => (i === at ? result : c)) : [...checks, result];
  return sortChecks(next);
}

/** How many of each. */
export function countChecks(checks: readonly HealthCheckResult[]): { fail: number; warn: number; ok: number } {
  const out = { fail: 0, warn: 0, ok: 0 };
  for (const c of checks) out[c.status] += 1;
  return out;
}

/** One key per fix (a button's identity while it works). */
export function fixKey(fix: HealthFix): string {
  switch (fix.kind) {
    case 'download':
      return `download:${fix.backendId}:${fix.folder}/${fix.file}`;
    case 'choose-model':
      return `choose:${fix.setting}`;
    case 'refresh-backend':
    case 'free-vram':
      return `${fix.kind}:${fix.backendId}`;
    default:
      return fix.kind;
  }
}

/** The button's text. */
export function fixLabel(fix: HealthFix, formatBytes: (n: number) => string): string {
  switch (fix.kind) {
    case 'download':
      return fix.bytes ? `Download ${fix.file} (${formatBytes(fix.bytes)})` : `Download ${fix.file}`;
    case 'choose-model':
      return `Choose a file for ${fix.file}`;
    case 'start-comfy':
      return 'Start ComfyUI';
    case 'open-settings':
      return 'Open settings';
    case 'open-bot':
      return 'Open the bot page';
    case 'start-bot':
      return 'Start the bot';
    case 'refresh-backend':
      return 'Refresh this backend';
    case 'resume-queue':
      return 'Resume the queue';
    case 'free-vram':
      return 'Free VRAM';
  }
}
