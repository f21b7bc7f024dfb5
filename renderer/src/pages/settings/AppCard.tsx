import { Copy, FolderOpen } from 'lucide-react';
import type { AppInfo } from '@shared/api/app';
import type { Settings } from '@shared/settings';
import { api } from '../../api/client';
import { Button } from '../../components/ui/Button';
import { Checkbox } from '../../components/ui/Checkbox';
import { Field } from '../../components/ui/Field';
import { SaveStatus } from '../../components/ui/SaveStatus';
import { Select } from '../../components/ui/Select';
import { copyText } from '../../lib/clipboard';
import { useSaveState } from '../../lib/use-save-state';
import { useAppStore } from '../../stores/app-store';
import { report } from '../../stores/toast-store';

const THEMES = [
  { value: 'system', label: 'Follow the system' },
  { value: 'dark', label: 'Dark' },
  { value: 'light', label: 'Light' },
];

/**
 * Theme, notifications, the library folder and, in the desktop app only, the tray and start at login (they mean
 * nothing in a browser). Saved as they change.
 */
export function AppCard({ settings, info }: { settings: Settings; info: AppInfo | null }) {
  const save = useAppStore((s) => s.saveSettings);
  const { state, run } = useSaveState();
  const desktop = info?.mode === 'desktop';
  const set = (patch: Parameters<typeof save>[0]) => void run(() => save(patch));
  return (
    <section className="card form" aria-label="Appearance and app">
      <div className="card-header">
        <h2>Appearance and app</h2>
        <SaveStatus state={state} testId="saved-app" />
      </div>
      <div className="field-grid cols-2">
        <Field id="set-theme" label="Theme">
          <Select
            value={settings.theme}
            options={THEMES}
            onValueChange={(theme) => set({ theme: theme as Settings['theme'] })}
          />
        </Field>
      </div>
      {desktop && (
        <fieldset>
          <legend>Desktop</legend>
          <Checkbox
            label="Keep running in the tray when the window closes"
            description="Discord friends can still generate while the window is closed."
            checked={settings.closeToTray}
            onCheckedChange={(closeToTray) => set({ closeToTray })}
          />
          <Checkbox
            label="Start at login"
            checked={settings.startAtLogin}
            onCheckedChange={(startAtLogin) => set({ startAtLogin })}
          />
        </fieldset>
      )}
      <fieldset>
        <legend>Notify me when</legend>
        <Checkbox
          label="A job failed"
          checked={settings.notifications.jobFailed}
          onCheckedChange={(jobFailed) => set({ notifications: { jobFailed } })}
        />
        <Checkbox
          label="ComfyUI went offline or came back"
          checked={settings.notifications.comfyStatus}
          onCheckedChange={(comfyStatus) => set({ notifications: { comfyStatus } })}
        />
        <Checkbox
          label="The Discord bot disconnected"
          checked={settings.notifications.botDisconnected}
          onCheckedChange={(botDisconnected) => set({ notifications: { botDisconnected } })}
        />
      </fieldset>
      <div className="field" role="group" aria-labelledby="set-library-label">
        <span className="field-label" id="set-library-label">
          Library folder
        </span>
        <div className="input-row">
          <code className="path grow" data-testid="library-dir">
            {info?.libraryDir ?? '…'}
          </code>
          {desktop ? (
            <Button
              icon={<FolderOpen size={16} />}
              onClick={() => void report(() => api.call('library.revealFolder'), 'Shown in your file manager.')}
            >
              Show in folder
            </Button>
          ) : (
            <Button
              icon={<Copy size={16} />}
              disabled={!info}
              onClick={() => info && void report(() => copyText(info.libraryDir), 'Folder path copied.')}
            >
              Copy path
            </Button>
          )}
        </div>
        <small className="hint">
          Outputs are stored here in per-day folders. Change it with COMFYDESK_LIBRARY_DIR or the config file.
        </small>
      </div>
    </section>
  );
}
