import type { ParamSpec } from '@shared/params';
import { rangeHint, type FormValues } from '../lib/param-form';

interface Props {
  idPrefix: string;
  specs: ParamSpec[];
  values: FormValues;
  errors: Record<string, string>;
  onChange(name: string, value: string | boolean): void;
}

/** One labelled field per manifest parameter, with its range as a hint and its error under it. */
export function ParamFields({ idPrefix, specs, values, errors, onChange }: Props) {
  if (specs.length === 0) return null;
  return (
    <div className="param-grid">
      {specs.map((spec) => {
        const id = `${idPrefix}-${spec.name}`;
        const error = errors[spec.name];
        const hint = rangeHint(spec);
        const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
        const value = values[spec.name];
        return (
          <div
            key={spec.name}
            className={`field${spec.type === 'bool' ? ' field-inline' : ''}${error ? ' has-error' : ''}`}
          >
            {spec.type === 'bool' ? (
              <label htmlFor={id} className="checkbox">
                <input
                  id={id}
                  type="checkbox"
                  checked={value === true}
                  onChange={(e) => onChange(spec.name, e.target.checked)}
                />
                {spec.label}
              </label>
            ) : (
              <label htmlFor={id}>{spec.label}</label>
            )}
            {spec.type === 'enum' ? (
              <select
                id={id}
                value={String(value ?? '')}
                aria-describedby={described}
                onChange={(e) => onChange(spec.name, e.target.value)}
              >
                <option value="">Default{spec.default !== undefined ? ` (${String(spec.default)})` : ''}</option>
                {(spec.choices ?? []).map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            ) : spec.type === 'string' ? (
              spec.multiline ? (
                <textarea
                  id={id}
                  rows={3}
                  value={String(value ?? '')}
                  aria-describedby={described}
                  onChange={(e) => onChange(spec.name, e.target.value)}
                />
              ) : (
                <input
                  id={id}
                  type="text"
                  value={String(value ?? '')}
                  placeholder={spec.default !== undefined ? String(spec.default) : ''}
                  aria-describedby={described}
                  onChange={(e) => onChange(spec.name, e.target.value)}
                />
              )
            ) : spec.type !== 'bool' ? (
              <input
                id={id}
                type="number"
                inputMode={spec.type === 'float' ? 'decimal' : 'numeric'}
                min={spec.type === 'seed' ? -1 : spec.min}
                max={spec.max}
                step={spec.step ?? (spec.type === 'float' ? 'any' : 1)}
                value={String(value ?? '')}
                placeholder={spec.default !== undefined ? String(spec.default) : ''}
                aria-describedby={described}
                aria-invalid={error ? true : undefined}
                onChange={(e) => onChange(spec.name, e.target.value)}
              />
            ) : null}
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
      })}
    </div>
  );
}
