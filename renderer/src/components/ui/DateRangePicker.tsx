import { useState } from 'react';
import { DayPicker, type DateRange } from 'react-day-picker';
import { CalendarDays, X } from 'lucide-react';
import 'react-day-picker/style.css';
import { Button } from './Button';
import { IconButton } from './IconButton';
import { Popover } from './Popover';
import { endOf, rangeLabel, startOf, type DayRange } from '../../lib/day-range';

interface Props {
  value: DayRange;
  onChange(value: DayRange): void;
  label?: string;
}

/** A range of days from a calendar in a popover (react-day-picker): click the first day, then the last. */
export function DateRangePicker({ value, onChange, label = 'Dates' }: Props) {
  const [open, setOpen] = useState(false);
  const selected: DateRange | undefined =
    value.from !== undefined || value.to !== undefined
      ? {
          from: value.from !== undefined ? new Date(value.from) : undefined,
          to: value.to !== undefined ? new Date(value.to) : undefined,
        }
      : undefined;
  const active = value.from !== undefined || value.to !== undefined;
  return (
    <span className="date-range">
      <Popover
        open={open}
        onOpenChange={setOpen}
        label={label}
        trigger={
          <Button
            variant={active ? 'secondary' : 'ghost'}
            icon={<CalendarDays size={16} />}
            aria-label={`${label}: ${rangeLabel(value)}`}
            data-testid="date-range"
          >
            {rangeLabel(value)}
          </Button>
        }
      >
        <DayPicker
          mode="range"
          selected={selected}
          defaultMonth={selected?.from ?? new Date()}
          disabled={{ after: new Date() }}
          onSelect={(range) =>
            onChange({
              from: range?.from ? startOf(range.from) : undefined,
              to: range?.to ? endOf(range.to) : range?.from ? endOf(range.from) : undefined,
            })
          }
        />
        <div className="popover-actions">
          <Button size="sm" variant="ghost" onClick={() => onChange({})} disabled={!active}>
            Any date
          </Button>
          <Button size="sm" variant="primary" onClick={() => setOpen(false)}>
            Done
          </Button>
        </div>
      </Popover>
      {active && <IconButton size="sm" label="Clear dates" icon={<X size={14} />} onClick={() => onChange({})} />}
    </span>
  );
}

export default DateRangePicker;
