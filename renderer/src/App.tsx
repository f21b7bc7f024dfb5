import { useEffect } from 'react';
import { useAppStore } from './stores/app-store';

export function App() {
  const { info, health, error, load } = useAppStore();
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">ComfyDesk</span>
        {info && <span className="muted">v{info.version} · {info.mode}</span>}
      </header>
      <main className="content">
        {error && <p role="alert" className="error">{error}</p>}
        {health && (
          <section aria-label="Status" className="status-grid">
            <div className="card">
              <h2>ComfyUI</h2>
              <p data-testid="comfy-status">{health.comfy.status}</p>
            </div>
            <div className="card">
              <h2>Discord bot</h2>
              <p data-testid="bot-status">{health.bot.status}</p>
            </div>
            <div className="card">
              <h2>Queue</h2>
              <p data-testid="queue-status">
                {health.queue.queued} queued · {health.queue.running} running{health.queue.paused ? ' · paused' : ''}
              </p>
            </div>
          </section>
        )}
      </main>
    </div>
  );
}
