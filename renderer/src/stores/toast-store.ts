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

/** Every action's outcome, shown briefly in the corner (errors stay until dismissed). */
export const useToasts = create<ToastState>((set, get) => ({
  toasts: [],
  push(kind, text) {
    const id = nextId++;
    set({ toasts: [...get().toasts.slice(-4), { id, kind, text }] });
    if (kind !== 'error') setTimeout(() => get().dismiss(id), 4000);
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
export async function report<T>(action: () => Promise<T>, success?: string | ((value: T) => string)): Promise<T | undefined> {
  try {
    const value = await action();
    if (success) toast.success(typeof success === 'function' ? success(value) : success);
    return value;
  } catch (err) {
    toast.error(errorMessage(err));
    return undefined;
  }
}
