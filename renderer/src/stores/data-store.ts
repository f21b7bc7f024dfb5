/**
 * Your data: backups, the last retention run and library check (from `data.status`, then `data.changed`). When
 * the core restarts on another database (a restore, a fresh start), everything the page holds is stale: it
 * reloads.
 */
import { create } from 'zustand';
import type { DataStatus } from '@shared/api/data';
import { api } from '../api/client';
import { errorMessage } from '../lib/format';

interface DataState {
  status: DataStatus | null;
  error: string | null;
  load(): Promise<DataStatus | null>;
}

export const useData = create<DataState>((set) => ({
  status: null,
  error: null,
  async load() {
    try {
      const status = await api.call('data.status');
      set({ status, error: null });
      return status;
    } catch (err) {
      set({ error: errorMessage(err) });
      return null;
    }
  },
}));

api.on('data.changed', (status) => useData.setState({ status }));
api.on('data.restarted', () => location.reload());

/** "3,204 outputs, 12.4 GB, the oldest from March 2025". */
export function describeAmount(
  count: number,
  bytes: number,
  oldest: number | null,
  format: (b: number) => string,
): string {
  if (count === 0) return 'Nothing';
  const when =
    oldest === null
      ? ''
      : `, the oldest from ${new Date(oldest).toLocaleDateString(undefined, { month: 'long', year: 'numeric' })}`;
  return `${count.toLocaleString()} output${count === 1 ? '' : 's'}, ${format(bytes)}${when}`;
}

/** What a backup was made for, in words. */
export const BACKUP_REASON_LABEL: Record<DataStatus['backups'][number]['reason'], string> = {
  daily: 'Daily',
  manual: 'Backed up by you',
  'pre-migration': 'Before an update',
  'pre-restore': 'Before a restore',
  'pre-import': 'Before an import',
};
