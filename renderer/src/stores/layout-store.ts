import { create } from 'zustand';

const KEY = 'comfydesk.sidebar';
export const SIDEBAR_MIN = 180;
export const SIDEBAR_MAX = 360;
export const SIDEBAR_DEFAULT = 220;

interface LayoutState {
  /** The expanded sidebar's width in px (the user drags its edge). */
  sidebarWidth: number;
  /** Icons only. */
  collapsed: boolean;
  setSidebarWidth(width: number): void;
  toggleCollapsed(): void;
}

const clamp = (w: number) => Math.round(Math.min(SIDEBAR_MAX, Math.max(SIDEBAR_MIN, w)));

function saved(): { sidebarWidth: number; collapsed: boolean } {
  try {
    const raw = typeof localStorage === 'undefined' ? null : localStorage.getItem(KEY);
    const v = raw ? (JSON.parse(raw) as { w?: unknown; c?: unknown }) : {};
    return {
      sidebarWidth: typeof v.w === 'number' ? clamp(v.w) : SIDEBAR_DEFAULT,
      collapsed: v.c === true,
    };
  } catch {
    return { sidebarWidth: SIDEBAR_DEFAULT, collapsed: false };
  }
}

function store(s: { sidebarWidth: number; collapsed: boolean }) {
  try {
    localStorage.setItem(KEY, JSON.stringify({ w: s.sidebarWidth, c: s.collapsed }));
  } catch {
    // Private mode or no storage: the layout just is not remembered.
  }
}

/** The window layout this browser or desktop remembers (not a setting of the core: each window has its own). */
export const useLayout = create<LayoutState>((set, get) => ({
  ...saved(),
  setSidebarWidth(width) {
    set({ sidebarWidth: clamp(width), collapsed: false });
    store(get());
  },
  toggleCollapsed() {
    set({ collapsed: !get().collapsed });
    store(get());
  },
}));
