import { forwardRef, type InputHTMLAttributes } from 'react';
import { useFieldControl } from './field-context';

/** A text or number input; inside a Field it takes the field's id and aria attributes. */
export const Input = forwardRef<HTMLInputElement, InputHTMLAttributes<HTMLInputElement>>(function Input(
  { className, ...rest },
  ref,
) {
  const field = useFieldControl();
  return <input ref={ref} className={`input${className ? ` ${className}` : ''}`} {...field} {...rest} />;
});
