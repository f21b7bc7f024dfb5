/** Small display helpers shared by the pages. */
import { ApiError } from '@shared/api';

/** A readable message for anything thrown by an API call or the browser. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    // "Invalid input for bot.setToken: token: That is not a bot token." reads as "That is not a bot token."
    if (err.code === 'bad_request' && err.issues?.length && /^Invalid input for /.test(err.message)) {
      const issues = err.issues;
      return issues
        .map((i) => (issues.length > 1 && i.path ? `${fieldName(i.path)}: ${i.message}` : i.message))
        .join(' · ');
    }
    return err.message;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}

/** "params.steps" → "steps" (the last named part of an input path). */
function fieldName(path: string): string {
  const parts = path.split('.').filter((p) => p && !/^\d+$/.test(p));
  return parts[parts.length - 1] ?? path;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 10 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

export function formatDate(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** "just now", "5 min ago", "3 h ago", else the date. */
export function formatAgo(ms: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  return formatDate(ms);
}

/** `YYYY-MM-DD` of a date input to epoch ms (start of that local day), or undefined when empty. */
export function dayStart(value: string): number | undefined {
  if (!value) return undefined;
  const t = new Date(`${value}T00:00:00`).getTime();
  return Number.isFinite(t) ? t : undefined;
}

export function dayEnd(value: string): number | undefined {
  const start = dayStart(value);
  return start === undefined ? undefined : start + 24 * 3600 * 1000 - 1;
}
