import type { z } from 'zod';

/** Parse a JSON column with its schema; a corrupt value falls back instead of crashing a read. */
export function readJson<T extends z.ZodType>(schema: T, text: string | null, fallback: z.output<T>): z.output<T> {
  if (text === null) return fallback;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : fallback;
  } catch {
    return fallback;
  }
}

export const toJson = (value: unknown): string => JSON.stringify(value ?? null);
export const bool = (v: number | null | undefined): boolean => v === 1;
