/** A labelled number input with its own error line under it (announced to screen readers) when given one. */
export function NumberField(props: {
  id: string;
  label: string;
  min: number;
  max?: number;
  value: string;
  placeholder?: string;
  error?: string | null;
  onChange: (value: string) => void;
}) {
  const { id, label, min, max, value, placeholder, error, onChange } = props;
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        min={min}
        max={max}
        value={value}
        placeholder={placeholder}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {error && (
        <small id={`${id}-error`} className="field-error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}
