import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Skeleton } from '../components/ui/Skeleton';
import { Tabs } from '../components/ui/Tabs';
import { useAppStore } from '../stores/app-store';
import { AppCard } from './settings/AppCard';
import { BackendsCard } from './settings/BackendsCard';
import { DataTab } from './settings/DataTab';
import { DefaultsCard } from './settings/DefaultsCard';
import { LaunchCard } from './settings/LaunchCard';
import { QueueCard } from './settings/QueueCard';
import { UpdatesCard } from './settings/UpdatesCard';

/** Settings in four tabs; everything saves as it changes, each card says "Saved". */
export function SettingsPage() {
  const { settings, info } = useAppStore(useShallow((s) => ({ settings: s.settings, info: s.info })));
  const [tab, setTab] = useState('comfyui');
  return (
    <section className="page" aria-labelledby="settings-title">
      <header className="page-header">
        <h1 id="settings-title">Settings</h1>
      </header>
      <p className="page-lead">Changes are saved as you make them.</p>
      {!settings ? (
        <div className="card" aria-busy="true">
          <span className="sr-only">Loading settings…</span>
          <Skeleton lines={4} />
        </div>
      ) : (
        <Tabs
          label="Settings sections"
          value={tab}
          onValueChange={setTab}
          tabs={[
            {
              id: 'comfyui',
              label: 'ComfyUI',
              content: (
                <>
                  <BackendsCard />
                  <LaunchCard />
                </>
              ),
            },
            {
              id: 'generation',
              label: 'Queue and defaults',
              content: (
                <>
                  <DefaultsCard settings={settings} />
                  <QueueCard settings={settings} />
                </>
              ),
            },
            {
              id: 'app',
              label: 'App',
              content: (
                <>
                  <AppCard settings={settings} info={info} />
                  {info?.mode === 'desktop' && <UpdatesCard settings={settings} />}
                </>
              ),
            },
            { id: 'data', label: 'Data', content: <DataTab settings={settings} /> },
          ]}
        />
      )}
    </section>
  );
}
