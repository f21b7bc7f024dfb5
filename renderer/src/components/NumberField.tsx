/** A labelled number input with its own error line under it (announced to screen readers). */
export function NumberField(props: {
  id: string;
  label: string;
  min: number;
  max: number;
  value: string;
  error: string | null | undefined;
  onChange: (value: string) => void;
}) {
  const { id, label, min, max, value, error, onChange } = props;
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        min={min}
        max={max}
        value={value}
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
