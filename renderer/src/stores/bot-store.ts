import { create } from 'zustand';
import type { BotGuild, BotState } from '@shared/api/bot';
import { api } from '../api/client';
import { attempt, report } from './toast-store';

interface BotStoreState {
  state: BotState | null;
  guilds: BotGuild[];
  invite: string | null;
  busy: boolean;
  load(): Promise<void>;
  /** Store the token; the error to show beside the token field, or null when saved. */
  setToken(token: string): Promise<string | null>;
  clearToken(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  loadInvite(): Promise<void>;
  loadGuilds(): Promise<void>;
}

/** The Discord bot as the desktop controls it; the token is only ever sent, never read back. */
export const useBot = create<BotStoreState>((set, get) => ({
  state: null,
  guilds: [],
  invite: null,
  busy: false,
  async load() {
    const [state] = await Promise.all([report(() => api.call('bot.status')), get().loadGuilds()]);
    set({ state: state ?? null });
    if (state?.hasToken) await get().loadInvite();
  },
  async setToken(token) {
    set({ busy: true });
    let error: string | null = null;
    const state = await attempt(
      () => api.call('bot.setToken', { token }),
      (message) => (error = message),
      'Token saved. It is kept in the secret store and never shown again.',
    );
    set({ busy: false, ...(state ? { state } : {}) });
    if (state) await get().loadInvite();
    return error;
  },
  async clearToken() {
    const state = await report(() => api.call('bot.clearToken'), 'Token removed; the bot is stopped.');
    if (state) set({ state, invite: null });
  },
  async start() {
    set({ busy: true });
    const state = await report(
      () => api.call('bot.start'),
      (s) => (s.status === 'online' ? `Bot online as ${s.username ?? 'your bot'}.` : `Bot is ${s.status}.`),
    );
    set({ busy: false, ...(state ? { state } : {}) });
  },
  async stop() {
    set({ busy: true });
    const state = await report(() => api.call('bot.stop'), 'Bot stopped.');
    set({ busy: false, ...(state ? { state } : {}) });
  },
  async loadInvite() {
    try {
      const r = await api.call('bot.invite');
      set({ invite: r.url });
    } catch {
      set({ invite: null });
    }
  },
  async loadGuilds() {
    // Read wherever a server is named or picked; the bot may not be set up, so an empty list is the answer, not a toast.
    try {
      set({ guilds: await api.call('bot.guilds') });
    } catch {
      set({ guilds: [] });
    }
  },
}));

api.on('bot.changed', (state) => {
  useBot.setState({ state });
  void useBot.getState().loadGuilds();
});
