import { z } from 'zod';

/** One API method: its input and output schemas. */
export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  /** One line for docs and error messages. */
  description: string;
}

export function method<I extends z.ZodType, O extends z.ZodType>(
  input: I,
  output: O,
  description: string,
): MethodSpec<I, O> {
  return { input, output, description };
}

/** Methods that take no input accept `{}` or nothing. */
export const NoInput = z.object({}).strict().optional().default({});
