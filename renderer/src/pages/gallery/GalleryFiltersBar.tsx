import { useEffect, useState } from 'react';
import { dayEnd, dayStart } from '../../lib/format';
import { useCatalog } from '../../stores/catalog-store';
import { useBot } from '../../stores/bot-store';
import { useGallery } from '../../stores/gallery-store';
import { displayName, usePeople } from '../../stores/people-store';

const toDay = (ms: number | undefined) =>
  ms === undefined ? '' : new Date(ms - new Date(ms).getTimezoneOffset() * 60000).toISOString().slice(0, 10);

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

  const active = Object.keys(filters).length > 0;
  return (
    <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
      <label className="search">
        <span className="sr-only">Search prompts</span>
        <input
          type="search"
          placeholder="Search prompts…"
          maxLength={500}
          value={text}
          onChange={(e) => setText(e.target.value)}
          data-testid="gallery-search"
        />
      </label>
      <label>
        <span className="sr-only">Who asked</span>
        <select
          value={filters.userId ?? ''}
          onChange={(e) => setFilters({ userId: e.target.value || undefined })}
          // New outputs may bring new people: the list is fresh whenever it is opened.
          onFocus={() => void usePeople.getState().loadFacets()}
          data-testid="gallery-user"
        >
          <option value="">Everyone</option>
          {people.map((p) => (
            <option key={p.id} value={p.id}>
              {displayName(p.id, { [p.id]: p.name })} ({p.count})
            </option>
          ))}
          {filters.userId && !people.some((p) => p.id === filters.userId) && (
            <option value={filters.userId}>{filters.userId}</option>
          )}
        </select>
      </label>
      <label>
        <span className="sr-only">Server</span>
        <select value={filters.guildId ?? ''} onChange={(e) => setFilters({ guildId: e.target.value || undefined })}>
          <option value="">All servers</option>
          {guilds.map((g) => (
            <option key={g.id} value={g.id}>
              {g.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span className="sr-only">Workflow</span>
        <select value={filters.workflow ?? ''} onChange={(e) => setFilters({ workflow: e.target.value || undefined })}>
          <option value="">All workflows</option>
          {workflows.map((w) => (
            <option key={w.manifest.id} value={w.manifest.id}>
              {w.manifest.title}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span className="sr-only">Kind</span>
        <select
          value={filters.kind ?? ''}
          onChange={(e) => setFilters({ kind: (e.target.value || undefined) as 'image' | 'video' | undefined })}
        >
          <option value="">Images and videos</option>
          <option value="image">Images</option>
          <option value="video">Videos</option>
        </select>
      </label>
      <label className="date">
        From
        <input
          type="date"
          value={toDay(filters.from)}
          onChange={(e) => setFilters({ from: dayStart(e.target.value) })}
        />
      </label>
      <label className="date">
        To
        <input type="date" value={toDay(filters.to)} onChange={(e) => setFilters({ to: dayEnd(e.target.value) })} />
      </label>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={filters.favourite === true}
          onChange={(e) => setFilters({ favourite: e.target.checked || undefined })}
        />
        Favourites
      </label>
      {active && (
        <button
          type="button"
          className="link"
          onClick={() => {
            setText('');
            useGallery.setState({ filters: {} });
            void useGallery.getState().reload();
          }}
        >
          Clear filters
        </button>
      )}
    </form>
  );
}
