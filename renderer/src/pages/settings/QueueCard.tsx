import { useEffect, useState } from 'react';
import { QueueSettingsSchema, type Settings } from '@shared/settings';
import { NumberField } from '../../components/NumberField';
import { Checkbox } from '../../components/ui/Checkbox';
import { SaveStatus } from '../../components/ui/SaveStatus';
import { numberBounds, type NumberBounds } from '../../lib/number-bounds';
import { useSaveState } from '../../lib/use-save-state';
import { useAppStore } from '../../stores/app-store';

const PER_USER = numberBounds(QueueSettingsSchema.shape.perUserLimit);
const GLOBAL = numberBounds(QueueSettingsSchema.shape.globalLimit);

/** An error for a limit field, or null when `text` is a whole number in [min, max]. */
function limitError(text: string, { min, max }: NumberBounds): string | null {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n)) return `Enter a whole number from ${min} to ${max}.`;
  if (n < min || n > max) return `Use a number from ${min} to ${max}.`;
  return null;
}

/** Queue limits (checked at their field, saved when the field is left) and the desktop's priority. */
export function QueueCard({ settings }: { settings: Settings }) {
  const save = useAppStore((s) => s.saveSettings);
  const { state, run } = useSaveState();
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
  const commit = (field: 'perUser' | 'global') => {
    const text = field === 'perUser' ? perUser : global;
    const error = limitError(text, field === 'perUser' ? PER_USER : GLOBAL);
    setErrors((e) => ({ ...e, [field]: error }));
    const current = field === 'perUser' ? settings.queue.perUserLimit : settings.queue.globalLimit;
    if (error || Number(text) === current) return;
    void run(() =>
      save({ queue: field === 'perUser' ? { perUserLimit: Number(text) } : { globalLimit: Number(text) } }),
    );
  };
  return (
    <section className="card form" aria-label="Queue">
      <div className="card-header">
        <h2>Queue</h2>
        <SaveStatus state={state} testId="saved-queue" />
      </div>
      <div className="field-grid cols-2">
        <NumberField
          id="q-peruser"
          label="Jobs per person"
          hint="Queued and running at once, for each Discord user."
          {...PER_USER}
          value={perUser}
          error={errors.perUser}
          onChange={setPerUser}
          onBlur={() => commit('perUser')}
        />
        <NumberField
          id="q-global"
          label="Jobs in total"
          hint="Everything waiting or running, from everyone."
          {...GLOBAL}
          value={global}
          error={errors.global}
          onChange={setGlobal}
          onBlur={() => commit('global')}
        />
      </div>
      <Checkbox
        label="My own jobs go before Discord jobs"
        checked={settings.queue.desktopPriority}
        onCheckedChange={(desktopPriority) => void run(() => save({ queue: { desktopPriority } }))}
      />
    </section>
  );
}
