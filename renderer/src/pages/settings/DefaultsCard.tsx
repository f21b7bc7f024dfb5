import type { Settings } from '@shared/settings';
import { Combobox } from '../../components/ui/Combobox';
import { Field } from '../../components/ui/Field';
import { SaveStatus } from '../../components/ui/SaveStatus';
import { Select } from '../../components/ui/Select';
import { useSaveState } from '../../lib/use-save-state';
import { useAppStore } from '../../stores/app-store';
import { useCatalog } from '../../stores/catalog-store';

/** What Generate and the bot start from: the workflow, and where Discord results go. Saved as they change. */
export function DefaultsCard({ settings }: { settings: Settings }) {
  const save = useAppStore((s) => s.saveSettings);
  const workflows = useCatalog((s) => s.workflows);
  const { state, run } = useSaveState();
  const installed = workflows.some((w) => w.manifest.id === settings.defaults.workflow);
  return (
    <section className="card form" aria-label="Defaults">
      <div className="card-header">
        <h2>Defaults</h2>
        <SaveStatus state={state} testId="saved-defaults" />
      </div>
      <div className="field-grid cols-2">
        <Field id="set-workflow" label="Workflow" hint="Picked first on Generate and for /generate on Discord.">
          <Combobox
            value={settings.defaults.workflow}
            options={[
              ...(installed
                ? []
                : [{ value: settings.defaults.workflow, label: `${settings.defaults.workflow} (not installed)` }]),
              ...workflows.map((w) => ({ value: w.manifest.id, label: w.manifest.title, detail: w.manifest.kind })),
            ]}
            onValueChange={(workflow) => void run(() => save({ defaults: { workflow } }))}
            searchPlaceholder="Search workflows…"
          />
        </Field>
        <Field id="set-delivery" label="Discord results go to">
          <Select
            value={settings.defaults.delivery}
            options={[
              { value: 'channel', label: 'The channel' },
              { value: 'dm', label: 'A direct message' },
            ]}
            onValueChange={(v) => void run(() => save({ defaults: { delivery: v as 'channel' | 'dm' } }))}
          />
        </Field>
      </div>
    </section>
  );
}
