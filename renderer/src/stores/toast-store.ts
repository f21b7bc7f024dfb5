import { create } from 'zustand';
import { errorMessage } from '../lib/format';
import { useNav } from './nav-store';

export type ToastKind = 'success' | 'error' | 'info';

export interface Toast {
  id: number;
  kind: ToastKind;
  text: string;
  /** The page it belongs to: leaving that page dismisses it. Null for app-wide events. */
  page: string | null;
}

interface ToastState {
  toasts: Toast[];
  push(kind: ToastKind, text: string, options?: ToastOptions): void;
  dismiss(id: number): void;
}

export interface ToastOptions {
  /** An app-wide event (a connection, a background job): it stays when the user changes page. */
  global?: boolean;
}

let nextId = 1;

/**
 * Events in the corner, at most one of each kind: a newer one replaces the older. Success and info fade out by
 * themselves (components/ui/Toaster), errors stay until dismissed. A toast belongs to the page it was raised on.
 */
export const useToasts = create<ToastState>((set, get) => ({
  toasts: [],
  push(kind, text, options = {}) {
    const page = options.global ? null : useNav.getState().requested;
    const others = get().toasts.filter((t) => t.kind !== kind);
    set({ toasts: [...others, { id: nextId++, kind, text, page }] });
  },
  dismiss(id) {
    set({ toasts: get().toasts.filter((t) => t.id !== id) });
  },
}));

// A page's toasts do not follow the user to the next page.
useNav.subscribe((nav, before) => {
  if (nav.requested === before.requested) return;
  const { toasts } = useToasts.getState();
  const kept = toasts.filter((t) => t.page === null || t.page === nav.requested);
  if (kept.length !== toasts.length) useToasts.setState({ toasts: kept });
});

export const toast = {
  success: (text: string, options?: ToastOptions) => useToasts.getState().push('success', text, options),
  info: (text: string, options?: ToastOptions) => useToasts.getState().push('info', text, options),
  error: (text: string, options?: ToastOptions) => useToasts.getState().push('error', text, options),
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

/**
 * Run an action whose failure belongs beside a field: the error text goes to `onError` (not to a toast), the
 * success text (when given) to a toast. Returns the result, or undefined when it failed.
 */
export async function attempt<T>(
  action: () => Promise<T>,
  onError: (message: string) => void,
  success?: string | ((value: T) => string),
): Promise<T | undefined> {
  try {
    const value = await action();
    if (success) toast.success(typeof success === 'function' ? success(value) : success);
    return value;
  } catch (err) {
    onError(errorMessage(err));
    return undefined;
  }
}
