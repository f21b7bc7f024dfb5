import { useState } from 'react';
import { Popover } from 'radix-ui';
import { Command } from 'cmdk';
import { Check, ChevronsUpDown, Search } from 'lucide-react';
import { useFieldControl } from './field-context';

export interface ComboboxOption {
  value: string;
  label: string;
  /** A second, quieter line or suffix (a count, a kind). */
  detail?: string;
}

interface Props {
  value: string;
  options: readonly ComboboxOption[];
  onValueChange(value: string): void;
  id?: string;
  'aria-label'?: string;
  /** The trigger's text when nothing is chosen. */
  placeholder?: string;
  searchPlaceholder?: string;
  emptyText?: string;
  disabled?: boolean;
  'data-testid'?: string;
  /** Called when the list opens (to refresh it) and closes. */
  onOpenChange?(open: boolean): void;
}

/**
 * A searchable list in a popover, for long lists (workflows, samplers, people, model files): type to filter,
 * arrows to move, Enter to pick, Escape to close. The trigger is a button with role combobox.
 */
export function Combobox(props: Props) {
  const { value, options, onValueChange, placeholder = 'Choose…', searchPlaceholder = 'Search…' } = props;
  const field = useFieldControl();
  const [open, setOpen] = useState(false);
  const current = options.find((o) => o.value === value);
  const setOpenAndTell = (next: boolean) => {
    setOpen(next);
    props.onOpenChange?.(next);
  };
  return (
    <Popover.Root open={open} onOpenChange={setOpenAndTell}>
      <Popover.Trigger asChild disabled={props.disabled}>
        <button
          type="button"
          role="combobox"
          aria-expanded={open}
          aria-haspopup="listbox"
          className="select-trigger"
          {...field}
          id={props.id ?? field.id}
          aria-label={props['aria-label']}
          data-testid={props['data-testid']}
          data-value={value}
        >
          <span className={current ? 'select-value' : 'select-value placeholder'}>
            {current ? current.label : placeholder}
          </span>
          <ChevronsUpDown size={16} className="select-chevron" aria-hidden="true" />
        </button>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          className="combobox-content"
          align="start"
          sideOffset={4}
          collisionPadding={8}
          onOpenAutoFocus={(e) => e.stopPropagation()}
        >
          <Command loop label={props['aria-label'] ?? 'Options'}>
            <div className="combobox-search">
              <Search size={16} aria-hidden="true" />
              <Command.Input placeholder={searchPlaceholder} autoFocus />
            </div>
            <Command.List className="combobox-list">
              <Command.Empty className="combobox-empty">{props.emptyText ?? 'Nothing matches.'}</Command.Empty>
              {options.map((o) => (
                <Command.Item
                  key={o.value}
                  value={o.value === '' ? '\u0000empty' : o.value}
                  keywords={[o.label, o.detail ?? '']}
                  className="select-item"
                  onSelect={() => {
                    onValueChange(o.value);
                    setOpenAndTell(false);
                  }}
                >
                  <span className="select-item-text">{o.label}</span>
                  {o.detail && <span className="select-item-detail">{o.detail}</span>}
                  {o.value === value && <Check size={14} className="select-check" aria-hidden="true" />}
                </Command.Item>
              ))}
            </Command.List>
          </Command>
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
