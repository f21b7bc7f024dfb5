import { Field } from './ui/Field';
import { Input } from './ui/Input';

/** A labelled number input with its hint and its own error line (announced to screen readers) when given one. */
export function NumberField(props: {
  id: string;
  label: string;
  min: number;
  max?: number;
  value: string;
  placeholder?: string;
  hint?: string;
  error?: string | null;
  onChange: (value: string) => void;
  onBlur?: () => void;
}) {
  const { id, label, min, max, value, placeholder, hint, error, onChange, onBlur } = props;
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      <Input
        type="number"
        inputMode="numeric"
        min={min}
        max={max}
        value={value}
        placeholder={placeholder}
        onChange={(e) => onChange(e.target.value)}
        onBlur={onBlur}
      />
    </Field>
  );
}
