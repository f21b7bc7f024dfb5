import { RotateCcw } from 'lucide-react';
import type { ParamSpec } from '@shared/params';
import { rangeHint, type FormValues } from '../lib/param-form';
import { DefaultedInput } from './DefaultedInput';
import { Checkbox } from './ui/Checkbox';
import { Combobox } from './ui/Combobox';
import { Field } from './ui/Field';
import { IconButton } from './ui/IconButton';
import { Select } from './ui/Select';
import { Textarea } from './ui/Textarea';

interface Props {
  idPrefix: string;
  specs: ParamSpec[];
  values: FormValues;
  errors: Record<string, string>;
  onChange(name: string, value: string | boolean): void;
}

/** Up to this many choices a plain select; longer lists (samplers, schedulers) get a searchable combobox. */
const SHORT_LIST = 8;

/** Width and height belong side by side: they are drawn as one pair wherever they are in the manifest. */
const PAIR = ['width', 'height'];

function ParamField({
  idPrefix,
  spec,
  value,
  error,
  onChange,
}: {
  idPrefix: string;
  spec: ParamSpec;
  value: string | boolean | undefined;
  error: string | undefined;
  onChange(name: string, value: string | boolean): void;
}) {
  const id = `${idPrefix}-${spec.name}`;
  const text = typeof value === 'string' ? value : '';
  const fallback = spec.default !== undefined && spec.type !== 'seed' ? String(spec.default) : undefined;
  if (spec.type === 'bool')
    return (
      <div className="field field-check">
        <Checkbox id={id} label={spec.label} checked={value === true} onCheckedChange={(c) => onChange(spec.name, c)} />
      </div>
    );
  const reset =
    text !== '' && fallback !== undefined && text !== fallback ? (
      <IconButton
        size="sm"
        label={`Back to the default (${fallback})`}
        icon={<RotateCcw size={14} />}
        onClick={() => onChange(spec.name, '')}
      />
    ) : null;
  return (
    <Field
      id={id}
      label={spec.label}
      hint={rangeHint(spec) || undefined}
      error={error}
      aside={reset}
      span={spec.type === 'string' && spec.multiline ? 'full' : 1}
    >
      {spec.type === 'enum' ? (
        (spec.choices ?? []).length > SHORT_LIST ? (
          <Combobox
            value={text || (fallback ?? '')}
            options={(spec.choices ?? []).map((c) => ({
              value: c,
              label: c,
              detail: c === fallback ? 'default' : undefined,
            }))}
            onValueChange={(v) => onChange(spec.name, v === fallback ? '' : v)}
            searchPlaceholder={`Search ${spec.label.toLowerCase()}…`}
          />
        ) : (
          <Select
            value={text || (fallback ?? '')}
            options={(spec.choices ?? []).map((c) => ({ value: c, label: c === fallback ? `${c} (default)` : c }))}
            onValueChange={(v) => onChange(spec.name, v === fallback ? '' : v)}
          />
        )
      ) : spec.type === 'string' && spec.multiline ? (
        <Textarea rows={3} value={text} placeholder={fallback} onChange={(e) => onChange(spec.name, e.target.value)} />
      ) : (
        <DefaultedInput
          type={spec.type === 'string' ? 'text' : 'number'}
          inputMode={spec.type === 'float' ? 'decimal' : spec.type === 'string' ? undefined : 'numeric'}
          min={spec.type === 'seed' ? -1 : spec.min}
          max={spec.max}
          step={spec.step ?? (spec.type === 'float' ? 'any' : 1)}
          value={text}
          defaultValue={fallback}
          placeholder={spec.type === 'seed' ? 'Random' : fallback}
          onValueChange={(v) => onChange(spec.name, v)}
        />
      )}
    </Field>
  );
}

/** One labelled field per manifest parameter, the default shown as the value, the range as a hint, errors beside. */
export function ParamFields({ idPrefix, specs, values, errors, onChange }: Props) {
  if (specs.length === 0) return null;
  const pair = PAIR.every((n) => specs.some((s) => s.name === n)) ? specs.filter((s) => PAIR.includes(s.name)) : [];
  const field = (spec: ParamSpec) => (
    <ParamField
      key={spec.name}
      idPrefix={idPrefix}
      spec={spec}
      value={values[spec.name]}
      error={errors[spec.name]}
      onChange={onChange}
    />
  );
  return (
    <div className="field-grid param-grid">
      {specs.map((spec) =>
        pair.length && spec.name === PAIR[0] ? (
          <div key="size" className="field-pair" role="group" aria-label="Size">
            {pair.map(field)}
          </div>
        ) : pair.length && spec.name === PAIR[1] ? null : (
          field(spec)
        ),
      )}
    </div>
  );
}
