import { useState, type InputHTMLAttributes } from 'react';
import { Input } from './ui/Input';

interface Props extends Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'> {
  /** The typed text; '' means "use the default". */
  value: string;
  /** Shown as the value while the field is empty and not being edited. */
  defaultValue?: string;
  onValueChange(value: string): void;
}

/**
 * An input that shows the workflow's default as its value (not as a grey placeholder that looks like one) while
 * nothing else was typed. While focused it shows what is typed, so clearing it to type a new number works.
 */
export function DefaultedInput({ value, defaultValue, onValueChange, onFocus, onBlur, ...rest }: Props) {
  const [editing, setEditing] = useState(false);
  const shown = !editing && value === '' && defaultValue !== undefined ? defaultValue : value;
  return (
    <Input
      {...rest}
      value={shown}
      data-default={value === '' ? 'true' : undefined}
      onFocus={(e) => {
        setEditing(true);
        onFocus?.(e);
      }}
      onBlur={(e) => {
        setEditing(false);
        onBlur?.(e);
      }}
      onChange={(e) => onValueChange(e.target.value)}
    />
  );
}
