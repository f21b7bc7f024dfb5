import { useEffect } from 'react';
import { create } from 'zustand';
import type { Facet } from '@shared/api/library';
import { api } from '../api/client';

/**
 * Display names for user ids (Discord users and the desktop user), fetched in batches with users.list and kept;
 * and the people the library's outputs come from (library.facets) for the gallery's "who asked" filter.
 */
interface PeopleState {
  names: Record<string, string>;
  /** Everyone with outputs in the library (empty until the first loadFacets). */
  people: Facet[];
  /** Names of the Discord servers the library's outputs come from (the bot may not be running to say). */
  guildNames: Record<string, string>;
  ensure(ids: readonly string[]): void;
  /** Learn a server's name (one facets call for any number of unknown servers, once each). */
  ensureGuild(id: string): void;
  loadFacets(): Promise<void>;
}

const asked = new Set<string>();
const askedGuilds = new Set<string>();
let facetsQueued = false;
let batch: string[] = [];

export const DESKTOP_USER_ID = 'desktop';

export const usePeople = create<PeopleState>((set, get) => ({
  names: {},
  people: [],
  guildNames: {},
  ensure(ids) {
    const missing = ids.filter((id) => id !== DESKTOP_USER_ID && !(id in get().names) && !asked.has(id));
    if (missing.length === 0) return;
    for (const id of missing) asked.add(id);
    const first = batch.length === 0;
    batch.push(...missing);
    if (!first) return;
    // One call for every id asked for in this tick (a page of cards asks for many at once).
    queueMicrotask(() => {
      const ids = batch.splice(0, 500);
      batch = [];
      api
        .call('users.list', { ids })
        .then((users) => {
          const found = Object.fromEntries(users.map((u) => [u.id, u.name]));
          set((s) => ({ names: { ...s.names, ...Object.fromEntries(ids.map((id) => [id, found[id] ?? id])) } }));
        })
        .catch(() => {
          for (const id of ids) asked.delete(id); // asked again next time
        });
    });
  },
  ensureGuild(id) {
    if (id in get().guildNames || askedGuilds.has(id)) return;
    askedGuilds.add(id);
    // Every server asked for in this tick shares one call.
    if (facetsQueued) return;
    facetsQueued = true;
    queueMicrotask(() => {
      facetsQueued = false;
      void get().loadFacets();
    });
  },
  async loadFacets() {
    try {
      const facets = await api.call('library.facets');
      set((s) => ({
        people: facets.users,
        names: { ...s.names, ...Object.fromEntries(facets.users.map((u) => [u.id, u.name])) },
        guildNames: { ...s.guildNames, ...Object.fromEntries(facets.guilds.map((g) => [g.id, g.name])) },
      }));
    } catch {
      // The filters keep working without names.
    }
  },
}));

/** "You" for the desktop user, the stored display name otherwise (the id until it is known). */
export function displayName(id: string, names: Record<string, string>): string {
  return id === DESKTOP_USER_ID ? 'You' : (names[id] ?? id);
}

export function useUserName(id: string): string {
  const names = usePeople((s) => s.names);
  useEffect(() => usePeople.getState().ensure([id]), [id]);
  return displayName(id, names);
}

/** A server's name: what the running bot says, else what the library knows, else "Server <id>". */
export function useGuildName(id: string | null, botGuilds: readonly { id: string; name: string }[]): string {
  const known = usePeople((s) => (id ? s.guildNames[id] : undefined));
  const fromBot = id ? botGuilds.find((g) => g.id === id)?.name : undefined;
  useEffect(() => {
    if (id && !fromBot) usePeople.getState().ensureGuild(id);
  }, [id, fromBot]);
  if (id === null) return 'Desktop';
  return fromBot ?? known ?? `Server ${id}`;
}
