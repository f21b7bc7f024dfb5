/** Small text helpers for messages (the core's refusals, the bot, the renderer). */

/** `45 s`, `2 min`, `1 min 30 s`. */
export function formatWait(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
}

/** How people name a job: its short number, `#1287`. */
export function jobLabel(job: { number: number }): string {
  return `#${job.number}`;
}

/** `#1287`, `1287` → 1287; null when the text is not a job number. */
export function parseJobNumber(text: string): number | null {
  const m = /^#?(\d{1,12})$/.exec(text.trim());
  return m ? Number(m[1]) : null;
}

export function oneLine(text: string, max = 80): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t || '(no prompt)';
}
