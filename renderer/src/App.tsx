import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Sidebar } from './components/Sidebar';
import { Toasts } from './components/Toasts';
import { BotPage } from './pages/BotPage';
import { GalleryPage } from './pages/GalleryPage';
import { GeneratePage } from './pages/GeneratePage';
import { HealthPage } from './pages/HealthPage';
import { QueuePage } from './pages/QueuePage';
import { SettingsPage } from './pages/SettingsPage';
import { TemplatesPage } from './pages/TemplatesPage';
import { resolvedTheme, useAppStore } from './stores/app-store';
import { useCatalog } from './stores/catalog-store';
import { useNav } from './stores/nav-store';
import { useQueue } from './stores/queue-store';

export function App() {
  // Only what the shell shows: health and connection updates would otherwise re-render every page.
  const { info, settings, error, load } = useAppStore(
    useShallow((s) => ({ info: s.info, settings: s.settings, error: s.error, load: s.load })),
  );
  const page = useNav((s) => s.page);
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
        {page === 'gallery' && <GalleryPage />}
        {page === 'queue' && <QueuePage />}
        {page === 'generate' && <GeneratePage />}
        {page === 'templates' && <TemplatesPage />}
        {page === 'health' && <HealthPage />}
        {page === 'bot' && <BotPage />}
        {page === 'settings' && <SettingsPage />}
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
