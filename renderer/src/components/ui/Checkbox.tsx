import type { InputHTMLAttributes, ReactNode } from 'react';

interface Props extends Omit<InputHTMLAttributes<HTMLInputElement>, 'type' | 'onChange'> {
  label: ReactNode;
  /** A second line under the label. */
  description?: ReactNode;
  onCheckedChange(checked: boolean): void;
}

/** A native checkbox with its label (and optional description) as one click target. */
export function Checkbox({ label, description, onCheckedChange, className, ...rest }: Props) {
  return (
    <label className={`checkbox${className ? ` ${className}` : ''}`}>
      <input type="checkbox" onChange={(e) => onCheckedChange(e.target.checked)} {...rest} />
      <span className="checkbox-text">
        <span>{label}</span>
        {description && <span className="hint">{description}</span>}
      </span>
    </label>
  );
}
