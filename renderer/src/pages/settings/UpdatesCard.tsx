import { RefreshCw } from 'lucide-react';
import type { UpdateState } from '@shared/api/updates';
import type { Settings } from '@shared/settings';
import { Button } from '../../components/ui/Button';
import { Checkbox } from '../../components/ui/Checkbox';
import { Field } from '../../components/ui/Field';
import { SaveStatus } from '../../components/ui/SaveStatus';
import { Select } from '../../components/ui/Select';
import { formatAgo } from '../../lib/format';
import { useSaveState } from '../../lib/use-save-state';
import { useAppStore } from '../../stores/app-store';
import { useUpdates } from '../../stores/update-store';

const CHANNELS = [
  { value: 'stable', label: 'Stable releases' },
  { value: 'beta', label: 'Beta: pre-releases too' },
];

/** One line on where the updater stands. */
export function updateLine(state: UpdateState): string {
  switch (state.status) {
    case 'unsupported':
      return state.manual ?? 'This copy does not update itself.';
    case 'idle':
      return `Version ${state.current}. Not checked yet.`;
    case 'checking':
      return 'Checking for updates…';
    case 'up-to-date':
      return `Version ${state.current} is the newest.`;
    case 'available':
      return `Version ${state.version ?? ''} is out. ${state.manual ?? ''}`.trim();
    case 'downloading':
      return `Downloading version ${state.version ?? ''}… ${state.percent ?? 0} %`;
    case 'downloaded':
      return `Version ${state.version ?? ''} is downloaded: restart to update (from the banner or the tray).`;
    case 'error':
      return state.error ?? 'The last check failed.';
  }
}

/** Desktop only: automatic checks, the channel, and "Check now". Saved as they change. */
export function UpdatesCard({ settings }: { settings: Settings }) {
  const save = useAppStore((s) => s.saveSettings);
  const { state, checking, check } = useUpdates();
  const { state: saveState, run } = useSaveState();
  const set = (patch: Partial<Settings['updates']>) => void run(() => save({ updates: patch }));
  const supported = state !== null && state.status !== 'unsupported';
  return (
    <section className="card form" aria-label="Updates">
      <div className="card-header">
        <h2>Updates</h2>
        <SaveStatus state={saveState} testId="saved-updates" />
      </div>
      {state && (
        <p className="hint" role="status" data-testid="update-status">
          {updateLine(state)}
          {state.lastCheckAt !== null &&
            state.status !== 'checking' &&
            ` Last checked ${formatAgo(state.lastCheckAt)}.`}
        </p>
      )}
      {supported && (
        <>
          <Checkbox
            label="Check for updates at start and once a day"
            description="New versions download in the background; nothing restarts until you choose “Restart to update”."
            checked={settings.updates.autoCheck}
            onCheckedChange={(autoCheck) => set({ autoCheck })}
          />
          <div className="field-grid cols-2">
            <Field id="set-update-channel" label="Channel">
              <Select
                value={settings.updates.channel}
                options={CHANNELS}
                onValueChange={(channel) => set({ channel: channel as Settings['updates']['channel'] })}
              />
            </Field>
          </div>
          <div className="input-row">
            <Button icon={<RefreshCw size={16} />} loading={checking} onClick={() => void check()}>
              Check now
            </Button>
          </div>
        </>
      )}
    </section>
  );
}
