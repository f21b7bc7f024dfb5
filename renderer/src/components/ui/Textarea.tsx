import { forwardRef, type TextareaHTMLAttributes } from 'react';
import { useFieldControl } from './field-context';

/** A multi-line input; inside a Field it takes the field's id and aria attributes. */
export const Textarea = forwardRef<HTMLTextAreaElement, TextareaHTMLAttributes<HTMLTextAreaElement>>(function Textarea(
  { className, ...rest },
  ref,
) {
  const field = useFieldControl();
  return <textarea ref={ref} className={`input${className ? ` ${className}` : ''}`} {...field} {...rest} />;
});
