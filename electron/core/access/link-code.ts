/**
 * One-time codes that link a Discord account as the owner's: shown in the desktop app, sent to the bot by DM.
 * One code at a time, valid 10 minutes, used once; a few wrong tries and it is void (a new one is needed), so
 * nobody can guess their way in.
 */
import { randomInt } from 'node:crypto';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const LINK_CODE_TTL_MS = 10 * 60_000;
export const LINK_CODE_TRIES = 5;

export class LinkCodes {
  private current: { code: string; expiresAt: number; tries: number } | null = null;

  constructor(private readonly pick: (n: number) => number = (n) => randomInt(n)) {}

  /** A new code (any earlier one stops working). */
  issue(now: number): { code: string; expiresAt: number } {
    let raw = '';
    for (let i = 0; i < 8; i++) raw += ALPHABET[this.pick(ALPHABET.length)];
    const code = `${raw.slice(0, 4)}-${raw.slice(4)}`;
    this.current = { code, expiresAt: now + LINK_CODE_TTL_MS, tries: 0 };
    return { code, expiresAt: this.current.expiresAt };
  }

  /** When the open code stops working; null when there is none. */
  expiresAt(now: number): number | null {
    const c = this.current;
    return c && c.expiresAt > now && c.tries < LINK_CODE_TRIES ? c.expiresAt : null;
  }

  /** Use the code: true once for the right one in time; a wrong one counts as a try. */
  take(given: string, now: number): boolean {
    const c = this.current;
    if (!c || c.expiresAt <= now || c.tries >= LINK_CODE_TRIES) return false;
    const norm = (s: string) => s.toUpperCase().replace(/[^A-Z0-9]/g, '');
    if (norm(given) === norm(c.code)) {
      this.current = null;
      return true;
    }
    c.tries++;
    return false;
  }

  clear(): void {
    this.current = null;
  }
}
