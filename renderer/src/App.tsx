import { Suspense, useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { BottomBar } from './components/BottomBar';
import { Sidebar } from './components/Sidebar';
import { Skeleton } from './components/ui/Skeleton';
import { Toaster } from './components/ui/Toaster';
import { UpdateBanner } from './components/UpdateBanner';
import { WindowDrop } from './components/WindowDrop';
import { TooltipProvider } from './components/ui/Tooltip';
import { useCurrentPage } from './pages/registry';
import { followTheme, useAppStore } from './stores/app-store';
import { useCatalog } from './stores/catalog-store';
import { useMediaQuery } from './lib/use-media-query';
import { useNav } from './stores/nav-store';
import { useQueue } from './stores/queue-store';
import { useSetup } from './stores/setup-store';
import { useUpdates } from './stores/update-store';

export function App() {
  // Only what the shell shows: health and connection updates would otherwise re-render every page.
  const { theme, error, load } = useAppStore(
    useShallow((s) => ({ theme: s.settings?.theme, error: s.error, load: s.load })),
  );
  const { id: page, component: CurrentPage } = useCurrentPage();
  // A phone (or a very narrow window): the pages move to a bar at the bottom.
  const phone = useMediaQuery('(max-width: 720px)');
  useEffect(() => {
    void load();
    void useQueue.getState().load();
    void useCatalog.getState().load();
    // First start (the guide not finished) and no page asked for in the URL: the setup guide opens.
    const asked = location.hash.replace(/^#\/?/, '');
    void useSetup
      .getState()
      .load()
      .then((view) => {
        if (view && !view.finished && !asked) useNav.getState().go('setup');
      });
    void useUpdates.getState().load();
  }, [load]);
  // "Follow the system" follows a change of the OS theme while the app is open.
  useEffect(() => followTheme(theme, (t) => (document.documentElement.dataset.theme = t)), [theme]);

  return (
    <TooltipProvider>
      <div className={`app${phone ? ' phone' : ''}`}>
        {!phone && <Sidebar />}
        <main className="content" id="main" data-page={page}>
          {error && (
            <p role="alert" className="banner error">
              Could not reach the ComfyDesk core: {error}
            </p>
          )}
          <UpdateBanner />
          <Suspense fallback={<Skeleton lines={6} />}>
            <CurrentPage />
          </Suspense>
        </main>
        {phone && <BottomBar />}
        <Toaster />
        <WindowDrop />
      </div>
    </TooltipProvider>
  );
}
