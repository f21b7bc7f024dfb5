import type { ReactNode } from 'react';
import { FieldContext, type FieldControl } from './field-context';

interface Props {
  /** The control's id: the label points at it, hint and error are `${id}-hint` and `${id}-error`. */
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  /** Shown under the control, announced, and linked with aria-describedby / aria-invalid. */
  error?: string | null;
  /** Grid columns to span: 1 (default), 2, or the whole row. */
  span?: 1 | 2 | 'full';
  /** Something at the label's end (a reset button, a counter). */
  aside?: ReactNode;
  children: ReactNode;
  className?: string;
}

/**
 * Label, control, hint and error in one consistent grid cell. Controls from ./Input, ./Textarea, ./Select and
 * ./Combobox take the id and aria attributes from here.
 */
export function Field({ id, label, hint, error, span = 1, aside, children, className }: Props) {
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const control: FieldControl = {
    id,
    ...(describedBy ? { 'aria-describedby': describedBy } : {}),
    ...(error ? { 'aria-invalid': true as const } : {}),
  };
  const cls = ['field', error ? 'has-error' : '', span === 1 ? '' : `span-${span}`, className]
    .filter(Boolean)
    .join(' ');
  return (
    <div className={cls}>
      <div className="field-label-row">
        <label htmlFor={id} className="field-label">
          {label}
        </label>
        {aside}
      </div>
      <FieldContext.Provider value={control}>{children}</FieldContext.Provider>
      {hint && (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${id}-error`} className="field-error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}
