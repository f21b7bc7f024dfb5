/**
 * Text checks every prompt passes before a job is queued: length and the guild's banned words (named in the
 * refusal). Pure functions.
 */
export const MAX_PROMPT_LENGTH = 2000;

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The first banned word or phrase found as a whole word (case-insensitive, Unicode-aware), or null. */
export function findBannedWord(text: string, banned: readonly string[]): string | null {
  const hay = text.normalize('NFKC');
  for (const raw of banned) {
    const word = raw.trim().normalize('NFKC');
    if (!word) continue;
    const re = new RegExp(`(?<![\\p{L}\\p{N}_])${escapeRegex(word).replace(/\s+/g, '\\s+')}(?![\\p{L}\\p{N}_])`, 'iu');
    if (re.test(hay)) return raw.trim();
  }
  return null;
}

/** A problem with the prompt texts, or null. */
export function promptProblem(
  texts: { prompt?: string | null; negative?: string | null },
  banned: readonly string[],
): string | null {
  for (const [name, text] of [
    ['prompt', texts.prompt],
    ['negative', texts.negative],
  ] as const) {
    if (!text) continue;
    if (text.length > MAX_PROMPT_LENGTH) {
      return `The ${name} is ${text.length} characters long; the limit is ${MAX_PROMPT_LENGTH}. Shorten it and try again.`;
    }
    const word = findBannedWord(text, banned);
    if (word)
      return `Your ${name} contains the banned word "${word}". This server does not allow it; rephrase and try again.`;
  }
  return null;
}
