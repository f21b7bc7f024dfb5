import { createContext, useContext } from 'react';

/** What a control inside a Field needs to be labelled and described: its id, hint and error ids, invalid or not. */
export interface FieldControl {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: true;
}

export const FieldContext = createContext<FieldControl | null>(null);

/** The surrounding Field's id and aria attributes (empty outside a Field). */
export function useFieldControl(): Partial<FieldControl> {
  return useContext(FieldContext) ?? {};
}
