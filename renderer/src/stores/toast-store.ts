import { create } from 'zustand';
import { errorMessage } from '../lib/format';

export interface Toast {
  id: number;
  kind: 'success' | 'error' | 'info';
  text: string;
}

interface ToastState {
  toasts: Toast[];
  push(kind: Toast['kind'], text: string): void;
  dismiss(id: number): void;
}

let nextId = 1;
/** Success fades quickly; an error stays long enough to be read (or until dismissed), then stops covering the page. */
const SUCCESS_MS = 4000;
const ERROR_MS = 15000;

/** Every action's outcome, shown in the corner: at most four, the newest last. */
export const useToasts = create<ToastState>((set, get) => ({
  toasts: [],
  push(kind, text) {
    const id = nextId++;
    // The same message again replaces the older one instead of stacking a copy.
    const others = get().toasts.filter((t) => t.text !== text || t.kind !== kind);
    set({ toasts: [...others.slice(-3), { id, kind, text }] });
    setTimeout(() => get().dismiss(id), kind === 'error' ? ERROR_MS : SUCCESS_MS);
  },
  dismiss(id) {
    set({ toasts: get().toasts.filter((t) => t.id !== id) });
  },
}));

export const toast = {
  success: (text: string) => useToasts.getState().push('success', text),
  info: (text: string) => useToasts.getState().push('info', text),
  error: (text: string) => useToasts.getState().push('error', text),
};

/**
 * Run an action and report it: the success text (when given) or the readable error. Returns the result, or
 * undefined when it failed.
 */
export async function report<T>(
  action: () => Promise<T>,
  success?: string | ((value: T) => string),
): Promise<T | undefined> {
  try {
    const value = await action();
    if (success) toast.success(typeof success === 'function' ? success(value) : success);
    return value;
  } catch (err) {
    toast.error(errorMessage(err));
    return undefined;
  }
}
