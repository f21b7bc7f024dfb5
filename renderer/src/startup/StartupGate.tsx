import { useEffect, useState } from 'react';
import type { DataStatus } from '@shared/api/data';
import { App } from '../App';
import { api } from '../api/client';
import { RecoveryScreen } from './RecoveryScreen';

/**
 * Before the app: is the database usable? When it failed its check at start, the recovery screen instead of a
 * half-working app. (A core that cannot be reached at all is the app's own banner to show.)
 */
export function StartupGate() {
  const [status, setStatus] = useState<DataStatus | 'ok' | null>(null);
  useEffect(() => {
    void api.call('data.status').then(
      (s) => setStatus(s.database === 'damaged' ? s : 'ok'),
      () => setStatus('ok'),
    );
  }, []);
  if (status === null) return null;
  return status === 'ok' ? <App /> : <RecoveryScreen initial={status} />;
}
