import type { z } from 'zod';

export interface NumberBounds {
  min: number;
  max: number;
}

/**
 * The range a shared zod number field accepts (through its `.optional()` or `.default()`), so a form checks
 * what the core will and the numbers live in one place.
 */
export function numberBounds(field: { unwrap(): z.ZodNumber }): NumberBounds {
  const n = field.unwrap();
  return { min: n.minValue ?? Number.MIN_SAFE_INTEGER, max: n.maxValue ?? Number.MAX_SAFE_INTEGER };
}
