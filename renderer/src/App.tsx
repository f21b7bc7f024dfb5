import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Sidebar } from './components/Sidebar';
import { Toasts } from './components/Toasts';
import { useCurrentPage } from './pages/registry';
import { resolvedTheme, useAppStore } from './stores/app-store';
import { useCatalog } from './stores/catalog-store';
import { useQueue } from './stores/queue-store';

export function App() {
  // Only what the shell shows: health and connection updates would otherwise re-render every page.
  const { info, settings, error, load } = useAppStore(
    useShallow((s) => ({ info: s.info, settings: s.settings, error: s.error, load: s.load })),
  );
  const { id: page, component: CurrentPage } = useCurrentPage();
  useEffect(() => {
    void load();
    void useQueue.getState().load();
    void useCatalog.getState().load();
  }, [load]);
  useEffect(() => {
    document.documentElement.dataset.theme = resolvedTheme(settings?.theme);
  }, [settings?.theme]);

  return (
    <div className="app">
      <Sidebar />
      <main className="content" id="main" data-page={page}>
        {error && (
          <p role="alert" className="banner error">
            Could not reach the ComfyDesk core: {error}
          </p>
        )}
        <CurrentPage />
        {info && (
          <footer className="version muted">
            ComfyDesk v{info.version} · {info.mode}
          </footer>
        )}
      </main>
      <Toasts />
    </div>
  );
}
