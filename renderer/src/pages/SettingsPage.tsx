import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { NumberField } from '../components/NumberField';
import { QueueSettingsSchema, type Settings } from '@shared/settings';
import { numberBounds, type NumberBounds } from '../lib/number-bounds';
import { useAppStore } from '../stores/app-store';
import { useCatalog } from '../stores/catalog-store';
import { BackendsCard } from './settings/BackendsCard';
import { LaunchCard } from './settings/LaunchCard';

const PER_USER = numberBounds(QueueSettingsSchema.shape.perUserLimit);
const GLOBAL = numberBounds(QueueSettingsSchema.shape.globalLimit);

/** An error for a limit field, or null when `text` is a whole number in [min, max]. */
function limitError(text: string, { min, max }: NumberBounds): string | null {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n)) return `Enter a whole number from ${min} to ${max}.`;
  if (n < min || n > max) return `Use a number from ${min} to ${max}.`;
  return null;
}

function QueueLimits({ settings }: { settings: Settings }) {
  const update = useAppStore((s) => s.updateSettings);
  const [perUser, setPerUser] = useState(String(settings.queue.perUserLimit));
  const [global, setGlobal] = useState(String(settings.queue.globalLimit));
  const [errors, setErrors] = useState<{ perUser: string | null; global: string | null }>({
    perUser: null,
    global: null,
  });
  useEffect(() => {
    setPerUser(String(settings.queue.perUserLimit));
    setGlobal(String(settings.queue.globalLimit));
  }, [settings.queue.perUserLimit, settings.queue.globalLimit]);
  return (
    <form
      className="card form"
      aria-label="Queue"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const found = { perUser: limitError(perUser, PER_USER), global: limitError(global, GLOBAL) };
        setErrors(found);
        if (found.perUser || found.global) return;
        void update({ queue: { perUserLimit: Number(perUser), globalLimit: Number(global) } }, 'Queue limits saved.');
      }}
    >
      <h2>Queue</h2>
      <div className="field-row">
        <NumberField
          id="q-peruser"
          label="Jobs per user (queued + running)"
          {...PER_USER}
          value={perUser}
          error={errors.perUser}
          onChange={setPerUser}
        />
        <NumberField
          id="q-global"
          label="Jobs in total"
          {...GLOBAL}
          value={global}
          error={errors.global}
          onChange={setGlobal}
        />
      </div>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={settings.queue.desktopPriority}
          onChange={(e) => void update({ queue: { desktopPriority: e.target.checked } })}
        />
        My own jobs go before Discord jobs
      </label>
      <div className="actions">
        <button type="submit" className="primary">
          Save limits
        </button>
      </div>
    </form>
  );
}

export function SettingsPage() {
  const { settings, info, updateSettings } = useAppStore(
    useShallow((s) => ({ settings: s.settings, info: s.info, updateSettings: s.updateSettings })),
  );
  const workflows = useCatalog((s) => s.workflows);
  if (!settings) return <p className="empty">Loading settings…</p>;
  return (
    <section className="page" aria-labelledby="settings-title">
      <header className="page-header">
        <h1 id="settings-title">Settings</h1>
      </header>
      <BackendsCard />
      <LaunchCard />
      <div className="two-columns">
        <div className="card form">
          <h2>Defaults</h2>
          <div className="field">
            <label htmlFor="set-workflow">Workflow</label>
            <select
              id="set-workflow"
              value={settings.defaults.workflow}
              onChange={(e) => void updateSettings({ defaults: { workflow: e.target.value } })}
            >
              {!workflows.some((w) => w.manifest.id === settings.defaults.workflow) && (
                <option value={settings.defaults.workflow}>{settings.defaults.workflow} (not installed)</option>
              )}
              {workflows.map((w) => (
                <option key={w.manifest.id} value={w.manifest.id}>
                  {w.manifest.title}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="set-delivery">Discord results go to</label>
            <select
              id="set-delivery"
              value={settings.defaults.delivery}
              onChange={(e) => void updateSettings({ defaults: { delivery: e.target.value as 'channel' | 'dm' } })}
            >
              <option value="channel">The channel</option>
              <option value="dm">A direct message</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="set-library">Library folder</label>
            <input id="set-library" type="text" readOnly value={info?.libraryDir ?? ''} />
            <small className="hint">
              Set with COMFYDESK_LIBRARY_DIR or the config file; outputs are stored in per-day folders.
            </small>
          </div>
        </div>
        <div className="card form">
          <h2>Appearance and app</h2>
          <div className="field">
            <label htmlFor="set-theme">Theme</label>
            <select
              id="set-theme"
              value={settings.theme}
              onChange={(e) => void updateSettings({ theme: e.target.value as Settings['theme'] }, 'Theme changed.')}
            >
              <option value="dark">Dark</option>
              <option value="light">Light</option>
              <option value="system">Follow the system</option>
            </select>
          </div>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={settings.closeToTray}
              onChange={(e) => void updateSettings({ closeToTray: e.target.checked })}
            />
            Closing the window keeps ComfyDesk running in the tray
          </label>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={settings.startAtLogin}
              onChange={(e) => void updateSettings({ startAtLogin: e.target.checked })}
            />
            Start at login
          </label>
          <h3>Notifications</h3>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={settings.notifications.jobFailed}
              onChange={(e) => void updateSettings({ notifications: { jobFailed: e.target.checked } })}
            />
            A job failed
          </label>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={settings.notifications.comfyStatus}
              onChange={(e) => void updateSettings({ notifications: { comfyStatus: e.target.checked } })}
            />
            ComfyUI went offline or came back
          </label>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={settings.notifications.botDisconnected}
              onChange={(e) => void updateSettings({ notifications: { botDisconnected: e.target.checked } })}
            />
            The Discord bot disconnected
          </label>
        </div>
      </div>
      <QueueLimits settings={settings} />
    </section>
  );
}
