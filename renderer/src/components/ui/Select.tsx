import { Select as S } from 'radix-ui';
import { Check, ChevronDown } from 'lucide-react';
import { useFieldControl } from './field-context';

export interface SelectOption {
  value: string;
  label: string;
}

interface Props {
  value: string;
  options: readonly SelectOption[];
  onValueChange(value: string): void;
  id?: string;
  /** The accessible name when no Field labels it. */
  'aria-label'?: string;
  placeholder?: string;
  disabled?: boolean;
  className?: string;
  'data-testid'?: string;
  onOpenChange?(open: boolean): void;
}

/** Radix Select refuses '' as an item value: "none" options (Everyone, All…) travel under this stand-in. */
const EMPTY = '\u0000empty';
const wrap = (v: string) => (v === '' ? EMPTY : v);
const unwrap = (v: string) => (v === EMPTY ? '' : v);

/** A short list to pick one from (for long or searchable lists use Combobox). Keyboard and screen-reader ready. */
export function Select({
  value,
  options,
  onValueChange,
  id,
  placeholder,
  disabled,
  className,
  onOpenChange,
  ...aria
}: Props) {
  const field = useFieldControl();
  return (
    <S.Root
      value={wrap(value)}
      onValueChange={(v) => onValueChange(unwrap(v))}
      disabled={disabled}
      onOpenChange={onOpenChange}
    >
      <S.Trigger
        className={`select-trigger${className ? ` ${className}` : ''}`}
        {...field}
        id={id ?? field.id}
        aria-label={aria['aria-label']}
        data-testid={aria['data-testid']}
      >
        <S.Value placeholder={placeholder} />
        <S.Icon className="select-chevron">
          <ChevronDown size={16} aria-hidden="true" />
        </S.Icon>
      </S.Trigger>
      <S.Portal>
        <S.Content className="select-content" position="popper" sideOffset={4} collisionPadding={8}>
          <S.Viewport className="select-viewport">
            {options.map((o) => (
              <S.Item key={o.value} value={wrap(o.value)} className="select-item" data-value={o.value}>
                <S.ItemText>{o.label}</S.ItemText>
                <S.ItemIndicator className="select-check">
                  <Check size={14} aria-hidden="true" />
                </S.ItemIndicator>
              </S.Item>
            ))}
          </S.Viewport>
        </S.Content>
      </S.Portal>
    </S.Root>
  );
}
