import { lazy, Suspense, useEffect, useState } from 'react';
import { ListFilter, Search, Star, X } from 'lucide-react';
import { Badge } from '../../components/ui/Badge';
import { Button } from '../../components/ui/Button';
import { Checkbox } from '../../components/ui/Checkbox';
import { Combobox } from '../../components/ui/Combobox';
import { rangeLabel } from '../../lib/day-range';
import { Field } from '../../components/ui/Field';
import { Input } from '../../components/ui/Input';
import { Popover } from '../../components/ui/Popover';
import { Select } from '../../components/ui/Select';
import { useCatalog } from '../../stores/catalog-store';
import { useBot } from '../../stores/bot-store';
import { useGallery } from '../../stores/gallery-store';
import type { GalleryFilters } from '../../stores/gallery-logic';
import { displayName, useGuildName, usePeople } from '../../stores/people-store';

// The calendar (react-day-picker) loads when the Filters popover first opens, not with the gallery.
const DateRangePicker = lazy(() => import('../../components/ui/DateRangePicker'));

const KINDS = [
  { value: '', label: 'Images and videos' },
  { value: 'image', label: 'Images' },
  { value: 'video', label: 'Videos' },
];

interface Chip {
  key: string;
  label: string;
  clear: Partial<GalleryFilters>;
}

/** One chip per active filter, in the order the popover lists them. */
function useChips(): Chip[] {
  const filters = useGallery((s) => s.filters);
  const workflows = useCatalog((s) => s.workflows);
  const guilds = useBot((s) => s.guilds);
  const names = usePeople((s) => s.names);
  const server = useGuildName(filters.guildId ?? null, guilds);
  const chips: Chip[] = [];
  if (filters.userId)
    chips.push({ key: 'user', label: `By ${displayName(filters.userId, names)}`, clear: { userId: undefined } });
  if (filters.guildId) chips.push({ key: 'guild', label: `On ${server}`, clear: { guildId: undefined } });
  if (filters.workflow) {
    const title = workflows.find((w) => w.manifest.id === filters.workflow)?.manifest.title ?? filters.workflow;
    chips.push({ key: 'workflow', label: title, clear: { workflow: undefined } });
  }
  if (filters.kind)
    chips.push({ key: 'kind', label: filters.kind === 'image' ? 'Images' : 'Videos', clear: { kind: undefined } });
  if (filters.from !== undefined || filters.to !== undefined)
    chips.push({
      key: 'dates',
      label: rangeLabel({ from: filters.from, to: filters.to }),
      clear: { from: undefined, to: undefined },
    });
  if (filters.favourite) chips.push({ key: 'favourite', label: 'Favourites', clear: { favourite: undefined } });
  return chips;
}

/** The filters behind the "Filters" button; the lists of people are asked for when it opens, not before. */
function FiltersPopover({ active }: { active: number }) {
  const filters = useGallery((s) => s.filters);
  const setFilters = useGallery((s) => s.setFilters);
  const workflows = useCatalog((s) => s.workflows);
  const guilds = useBot((s) => s.guilds);
  const people = usePeople((s) => s.people);
  const [open, setOpen] = useState(false);
  const peopleOptions = [
    { value: '', label: 'Everyone' },
    ...people.map((p) => ({ value: p.id, label: `${displayName(p.id, { [p.id]: p.name })} (${p.count})` })),
    ...(filters.userId && !people.some((p) => p.id === filters.userId)
      ? [{ value: filters.userId, label: filters.userId }]
      : []),
  ];
  return (
    <Popover
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (o) void usePeople.getState().loadFacets();
      }}
      label="Filters"
      align="end"
      trigger={
        <Button
          icon={<ListFilter size={16} />}
          data-testid="gallery-filters"
          aria-label={`Filters${active ? `, ${active} on` : ''}`}
        >
          <span className="btn-label">Filters</span>
          {active > 0 && <Badge>{active}</Badge>}
        </Button>
      }
    >
      <div className="filters-form">
        <Field id="filter-user" label="Who asked">
          <Combobox
            value={filters.userId ?? ''}
            options={peopleOptions}
            onValueChange={(v) => setFilters({ userId: v || undefined })}
            // New outputs may bring new people: the list is fresh whenever it is opened.
            onOpenChange={(o) => o && void usePeople.getState().loadFacets()}
            searchPlaceholder="Search people…"
            data-testid="gallery-user"
          />
        </Field>
        {guilds.length > 0 && (
          <Field id="filter-guild" label="Server">
            <Select
              value={filters.guildId ?? ''}
              options={[{ value: '', label: 'All servers' }, ...guilds.map((g) => ({ value: g.id, label: g.name }))]}
              onValueChange={(v) => setFilters({ guildId: v || undefined })}
            />
          </Field>
        )}
        <Field id="filter-workflow" label="Workflow">
          <Combobox
            value={filters.workflow ?? ''}
            options={[
              { value: '', label: 'All workflows' },
              ...workflows.map((w) => ({ value: w.manifest.id, label: w.manifest.title, detail: w.manifest.kind })),
            ]}
            onValueChange={(v) => setFilters({ workflow: v || undefined })}
            searchPlaceholder="Search workflows…"
            data-testid="gallery-workflow"
          />
        </Field>
        <Field id="filter-kind" label="Kind">
          <Select
            value={filters.kind ?? ''}
            options={KINDS}
            onValueChange={(v) => setFilters({ kind: (v || undefined) as 'image' | 'video' | undefined })}
          />
        </Field>
        <div className="field">
          <span className="field-label">Made between</span>
          <Suspense fallback={<span className="muted">…</span>}>
            <DateRangePicker
              label="Made between"
              value={{ from: filters.from, to: filters.to }}
              onChange={({ from, to }) => setFilters({ from, to })}
            />
          </Suspense>
        </div>
        <Checkbox
          label="Favourites only"
          checked={filters.favourite === true}
          onCheckedChange={(c) => setFilters({ favourite: c || undefined })}
          data-testid="gallery-favourites"
        />
      </div>
    </Popover>
  );
}

/** Search box and a Filters button; what is filtered shows as chips, each removable. Text is sent as typing pauses. */
export function GalleryFiltersBar() {
  const filters = useGallery((s) => s.filters);
  const setFilters = useGallery((s) => s.setFilters);
  const [text, setText] = useState(filters.text ?? '');
  const chips = useChips();

  useEffect(() => {
    if ((filters.text ?? '') === text.trim()) return;
    const t = setTimeout(() => setFilters({ text: text.trim() || undefined }), 250);
    return () => clearTimeout(t);
  }, [text, filters.text, setFilters]);
  // "Clear filters" elsewhere (the empty state) empties the box too.
  useEffect(() => {
    if (filters.text === undefined) setText((t) => (t.trim() === '' ? t : ''));
  }, [filters.text]);

  return (
    <div className="filters-bar">
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label className="search">
          <span className="sr-only">Search prompts</span>
          <Search size={16} className="search-icon" aria-hidden="true" />
          <Input
            type="search"
            placeholder="Search prompts…"
            maxLength={500}
            value={text}
            onChange={(e) => setText(e.target.value)}
            data-testid="gallery-search"
          />
        </label>
        <Button
          variant={filters.favourite ? 'secondary' : 'ghost'}
          icon={<Star size={16} fill={filters.favourite ? 'currentColor' : 'none'} />}
          aria-pressed={filters.favourite === true}
          onClick={() => setFilters({ favourite: filters.favourite ? undefined : true })}
          className="favourites-toggle"
          aria-label="Favourites only"
        >
          <span className="btn-label">Favourites</span>
        </Button>
        <FiltersPopover active={chips.filter((c) => c.key !== 'favourite').length} />
      </form>
      {(chips.length > 0 || filters.text) && (
        <ul className="chips" aria-label="Active filters">
          {chips.map((c) => (
            <li key={c.key}>
              <button
                type="button"
                className="chip"
                onClick={() => setFilters(c.clear)}
                aria-label={`Remove filter: ${c.label}`}
              >
                {c.label}
                <X size={14} aria-hidden="true" />
              </button>
            </li>
          ))}
          <li>
            <Button
              variant="ghost"
              size="sm"
              onClick={() => {
                setText('');
                useGallery.getState().clearFilters();
              }}
            >
              Clear filters
            </Button>
          </li>
        </ul>
      )}
    </div>
  );
}
