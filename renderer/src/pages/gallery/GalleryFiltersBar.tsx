import { useEffect, useState } from 'react';
import { Search, X } from 'lucide-react';
import { Button } from '../../components/ui/Button';
import { Checkbox } from '../../components/ui/Checkbox';
import { Combobox } from '../../components/ui/Combobox';
import { DateRangePicker } from '../../components/ui/DateRangePicker';
import { Input } from '../../components/ui/Input';
import { Select } from '../../components/ui/Select';
import { useCatalog } from '../../stores/catalog-store';
import { useBot } from '../../stores/bot-store';
import { useGallery } from '../../stores/gallery-store';
import { displayName, usePeople } from '../../stores/people-store';

const KINDS = [
  { value: '', label: 'Images and videos' },
  { value: 'image', label: 'Images' },
  { value: 'video', label: 'Videos' },
];

/** Full-text search and filters; the text is sent once typing pauses. */
export function GalleryFiltersBar() {
  const filters = useGallery((s) => s.filters);
  const setFilters = useGallery((s) => s.setFilters);
  const workflows = useCatalog((s) => s.workflows);
  const guilds = useBot((s) => s.guilds);
  const [text, setText] = useState(filters.text ?? '');
  const people = usePeople((s) => s.people);
  useEffect(() => {
    void usePeople.getState().loadFacets();
  }, []);

  useEffect(() => {
    if ((filters.text ?? '') === text.trim()) return;
    const t = setTimeout(() => setFilters({ text: text.trim() || undefined }), 250);
    return () => clearTimeout(t);
  }, [text, filters.text, setFilters]);

  const active = Object.values(filters).some((v) => v !== undefined);
  const peopleOptions = [
    { value: '', label: 'Everyone' },
    ...people.map((p) => ({ value: p.id, label: `${displayName(p.id, { [p.id]: p.name })} (${p.count})` })),
    ...(filters.userId && !people.some((p) => p.id === filters.userId)
      ? [{ value: filters.userId, label: filters.userId }]
      : []),
  ];
  return (
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
      <div className="filter-control">
        <Combobox
          aria-label="Who asked"
          value={filters.userId ?? ''}
          options={peopleOptions}
          onValueChange={(v) => setFilters({ userId: v || undefined })}
          // New outputs may bring new people: the list is fresh whenever it is opened.
          onOpenChange={(open) => open && void usePeople.getState().loadFacets()}
          searchPlaceholder="Search people…"
          data-testid="gallery-user"
        />
      </div>
      {guilds.length > 0 && (
        <div className="filter-control">
          <Select
            aria-label="Server"
            value={filters.guildId ?? ''}
            options={[{ value: '', label: 'All servers' }, ...guilds.map((g) => ({ value: g.id, label: g.name }))]}
            onValueChange={(v) => setFilters({ guildId: v || undefined })}
          />
        </div>
      )}
      <div className="filter-control">
        <Combobox
          aria-label="Workflow"
          value={filters.workflow ?? ''}
          options={[
            { value: '', label: 'All workflows' },
            ...workflows.map((w) => ({ value: w.manifest.id, label: w.manifest.title, detail: w.manifest.kind })),
          ]}
          onValueChange={(v) => setFilters({ workflow: v || undefined })}
          searchPlaceholder="Search workflows…"
        />
      </div>
      <div className="filter-control narrow">
        <Select
          aria-label="Kind"
          value={filters.kind ?? ''}
          options={KINDS}
          onValueChange={(v) => setFilters({ kind: (v || undefined) as 'image' | 'video' | undefined })}
        />
      </div>
      <DateRangePicker
        label="Made between"
        value={{ from: filters.from, to: filters.to }}
        onChange={({ from, to }) => setFilters({ from, to })}
      />
      <Checkbox
        label="Favourites"
        checked={filters.favourite === true}
        onCheckedChange={(c) => setFilters({ favourite: c || undefined })}
      />
      {active && (
        <Button
          variant="ghost"
          size="sm"
          icon={<X size={14} />}
          onClick={() => {
            setText('');
            useGallery.setState({ filters: {} });
            void useGallery.getState().reload();
          }}
        >
          Clear filters
        </Button>
      )}
    </form>
  );
}
