import { useEffect, useState } from 'react';
import { Cpu } from 'lucide-react';
import type { BackendActivity } from '@shared/api/backends';
import { api } from '../../api/client';
import { formatBytes } from '../../lib/format';

/** Read again this often while the Queue page is open. */
const REFRESH_MS = 2_000;

/** Each ComfyUI with its measured speed, the job it runs, the jobs waiting on it and its free VRAM. */
export function BackendStrip() {
  const [backends, setBackends] = useState<BackendActivity[]>([]);
  useEffect(() => {
    let alive = true;
    const load = () =>
      api.call('backends.activity').then(
        (list) => alive && setBackends(list),
        () => alive && setBackends([]),
      );
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, []);
  if (backends.length === 0) return null;
  return (
    <ul className="backend-strip" data-testid="backend-strip" aria-label="ComfyUI backends">
      {backends.map((b) => (
        <li key={b.id} className={`backend-card ${b.status}`} data-testid="backend-card" data-backend-id={b.id}>
          <span className="backend-name">
            <Cpu size={14} aria-hidden="true" /> {b.name}
          </span>
          <span className={`status-pill ${b.status}`}>{b.status === 'busy' ? 'working' : b.status}</span>
          <span className="muted" data-testid="backend-speed">
            {b.msPerImage !== null ? `${(b.msPerImage / 1000).toFixed(1)} s per image` : 'speed not measured yet'}
            {b.modelSwitchMs ? ` · model load ${(b.modelSwitchMs / 1000).toFixed(1)} s` : ''}
          </span>
          <span data-testid="backend-current">
            {b.current ? `Running ${b.current.workflow} · ${Math.round(b.current.percent)}%` : 'Nothing running'}
            {b.queued > 0 ? ` · ${b.queued} waiting on it` : ''}
          </span>
          {b.vramFree !== null && b.vramTotal !== null && (
            <span className="muted" data-testid="backend-vram">
              {formatBytes(b.vramFree)} of {formatBytes(b.vramTotal)} free
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}
