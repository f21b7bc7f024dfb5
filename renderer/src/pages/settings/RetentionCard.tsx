import { useEffect, useMemo, useState } from 'react';
import { Eye, Plus, Trash2 } from 'lucide-react';
import { RetentionRuleSchema, type RetentionRule, type Settings } from '@shared/settings';
import type { RetentionSummary } from '@shared/api/data';
import { api } from '../../api/client';
import { Button } from '../../components/ui/Button';
import { Checkbox } from '../../components/ui/Checkbox';
import { ConfirmDialog } from '../../components/ui/ConfirmDialog';
import { Field } from '../../components/ui/Field';
import { IconButton } from '../../components/ui/IconButton';
import { Input } from '../../components/ui/Input';
import { SaveStatus } from '../../components/ui/SaveStatus';
import { Select } from '../../components/ui/Select';
import { errorMessage, formatBytes, formatDate } from '../../lib/format';
import { useSaveState } from '../../lib/use-save-state';
import { useAppStore } from '../../stores/app-store';
import { describeAmount, useData } from '../../stores/data-store';
import { report, toast } from '../../stores/toast-store';

interface Draft {
  id: string;
  scope: string;
  keep: string;
  gb: string;
  days: string;
}
type Errors = Record<string, string>;

const LIMITS = {
  keep: { label: 'Keep the last per person', unit: 'outputs', min: 1, max: 1_000_000, whole: true },
  gb: { label: 'At most', unit: 'GB', min: 0.01, max: 1_000_000, whole: false },
  days: { label: 'Remove older than', unit: 'days', min: 1, max: 36_500, whole: true },
} as const;

const toDraft = (r: RetentionRule): Draft => ({
  id: r.id,
  scope: r.scope,
  keep: r.keepLastPerUser?.toString() ?? '',
  gb: r.maxGb?.toString() ?? '',
  days: r.olderThanDays?.toString() ?? '',
});

/** The drafts as rules, or the error of each field that is wrong (`<rule id>.<field>`). */
function toRules(drafts: readonly Draft[]): { rules: RetentionRule[] } | { errors: Errors } {
  const errors: Errors = {};
  const rules: RetentionRule[] = [];
  for (const d of drafts) {
    const value = (field: keyof typeof LIMITS): number | null => {
      const text = d[field].trim();
      if (text === '') return null;
      const n = Number(text);
      const spec = LIMITS[field];
      if (!Number.isFinite(n) || (spec.whole && !Number.isInteger(n)) || n < spec.min || n > spec.max)
        errors[`${d.id}.${field}`] =
          `Enter ${spec.whole ? 'a whole number' : 'a number'} from ${spec.min} to ${spec.max.toLocaleString()}.`;
      return n;
    };
    const rule = {
      id: d.id,
      scope: d.scope,
      keepLastPerUser: value('keep'),
      maxGb: value('gb'),
      olderThanDays: value('days'),
    };
    const parsed = RetentionRuleSchema.safeParse(rule);
    if (!parsed.success && !Object.keys(errors).some((k) => k.startsWith(`${d.id}.`)))
      errors[`${d.id}.keep`] = parsed.error.issues[0]?.message ?? 'This rule is not valid.';
    if (parsed.success) rules.push(parsed.data);
  }
  return Object.keys(errors).length ? { errors } : { rules };
}

function Summary({ s, label }: { s: RetentionSummary; label: string }) {
  return (
    <p className="muted small" data-testid={s.dryRun ? 'retention-preview' : 'retention-last'}>
      {label}: {describeAmount(s.count, s.bytes, s.oldest, formatBytes)}
      {s.kept > 0 && ` · ${s.kept.toLocaleString()} kept (favourites or in use)`}
    </p>
  );
}

let nextId = 1;

/**
 * Library retention: rules per library (everything, the desktop's own outputs, a Discord server's), a dry run that
 * says what would go, "Delete now", and daily runs. Favourites and outputs in use never go.
 */
export function RetentionCard({ settings }: { settings: Settings }) {
  const save = useAppStore((s) => s.saveSettings);
  const status = useData((s) => s.status);
  const { state, run } = useSaveState();
  const saved = settings.retention.rules;
  const [drafts, setDrafts] = useState<Draft[]>(() => saved.map(toDraft));
  const [errors, setErrors] = useState<Errors>({});
  const [servers, setServers] = useState<{ id: string; name: string }[]>([]);
  const [preview, setPreview] = useState<RetentionSummary | null>(null);
  const [confirm, setConfirm] = useState<RetentionSummary | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => setDrafts(saved.map(toDraft)), [saved]);
  useEffect(() => {
    void api.call('library.facets').then(
      (f) => setServers(f.guilds),
      () => setServers([]),
    );
  }, []);
  const scopes = useMemo(() => {
    const known = [
      { value: 'all', label: 'Everything' },
      { value: 'desktop', label: 'My own (desktop)' },
      ...servers.map((g) => ({ value: `guild:${g.id}`, label: `Server: ${g.name}` })),
    ];
    for (const d of drafts) if (!known.some((k) => k.value === d.scope)) known.push({ value: d.scope, label: d.scope });
    return known;
  }, [servers, drafts]);
  const dirty = JSON.stringify(drafts) !== JSON.stringify(saved.map(toDraft));

  const edit = (id: string, patch: Partial<Draft>) => {
    setDrafts((ds) => ds.map((d) => (d.id === id ? { ...d, ...patch } : d)));
    setErrors({});
    setPreview(null);
  };
  const checked = (): RetentionRule[] | null => {
    const result = toRules(drafts);
    if ('errors' in result) {
      setErrors(result.errors);
      return null;
    }
    return result.rules;
  };
  const saveRules = () => {
    const rules = checked();
    if (rules) void run(() => save({ retention: { rules } }));
  };
  const dryRun = async () => {
    const rules = checked();
    if (!rules) return;
    setBusy(true);
    try {
      setPreview(await api.call('data.retentionPreview', { rules }));
    } catch (err) {
      setErrors({ form: errorMessage(err) });
    }
    setBusy(false);
  };
  const askDelete = async () => {
    setBusy(true);
    const dry = await report(() => api.call('data.retentionPreview', {}));
    setBusy(false);
    if (dry && dry.count === 0) toast.info('Nothing to remove: the library is within the rules.');
    else if (dry) setConfirm(dry);
  };
  const deleteNow = async () => {
    setConfirm(null);
    setBusy(true);
    await report(
      () => api.call('data.retentionRun'),
      (s) => `Removed ${describeAmount(s.count, s.bytes, s.oldest, formatBytes).toLowerCase()}.`,
    );
    setBusy(false);
  };

  return (
    <section className="card form" aria-label="Library retention">
      <div className="card-header">
        <h2>Library retention</h2>
        <SaveStatus state={state} testId="saved-retention" />
      </div>
      <p className="muted small">
        Rules that keep the library's size in check. Favourites, and outputs a template or an unfinished job uses, are
        never removed. Files, thumbnails and the index go together.
      </p>
      {drafts.map((d, i) => (
        <fieldset key={d.id} className="rule-row" data-testid="retention-rule">
          <legend>Rule {i + 1}</legend>
          <Field id={`rule-${d.id}-scope`} label="Applies to">
            <Select value={d.scope} options={scopes} onValueChange={(scope) => edit(d.id, { scope })} />
          </Field>
          {(Object.keys(LIMITS) as (keyof typeof LIMITS)[]).map((field) => (
            <Field
              key={field}
              id={`rule-${d.id}-${field}`}
              label={`${LIMITS[field].label} (${LIMITS[field].unit})`}
              error={errors[`${d.id}.${field}`]}
            >
              <Input
                type="number"
                inputMode="decimal"
                placeholder="off"
                value={d[field]}
                onChange={(e) => edit(d.id, { [field]: e.target.value })}
              />
            </Field>
          ))}
          <IconButton
            variant="danger-ghost"
            label={`Remove rule ${i + 1}`}
            icon={<Trash2 size={16} />}
            onClick={() => setDrafts((ds) => ds.filter((x) => x.id !== d.id))}
          />
        </fieldset>
      ))}
      {errors.form && (
        <p className="field-error" role="alert">
          {errors.form}
        </p>
      )}
      <div className="actions">
        <Button
          icon={<Plus size={16} />}
          onClick={() =>
            setDrafts((ds) => [
              ...ds,
              { id: `r${Date.now().toString(36)}${nextId++}`, scope: 'all', keep: '', gb: '', days: '90' },
            ])
          }
        >
          Add a rule
        </Button>
        <span className="grow" />
        <Button icon={<Eye size={16} />} loading={busy} onClick={() => void dryRun()} data-testid="retention-dry-run">
          Preview
        </Button>
        <Button variant="primary" disabled={!dirty} onClick={saveRules} data-testid="retention-save">
          Save rules
        </Button>
      </div>
      {preview && <Summary s={preview} label="Would remove" />}
      <div className="field-grid cols-2">
        <div className="field field-check">
          <Checkbox
            label="Apply the rules every day"
            checked={settings.retention.daily}
            onCheckedChange={(daily) => void run(() => save({ retention: { daily } }))}
          />
        </div>
        <div className="actions">
          <Button
            variant="danger"
            disabled={saved.length === 0 || dirty || busy}
            onClick={() => void askDelete()}
            data-testid="retention-run"
          >
            Delete now
          </Button>
        </div>
      </div>
      {status?.lastRetention && (
        <Summary s={status.lastRetention} label={`Last run ${formatDate(status.lastRetention.at)}, removed`} />
      )}
      {confirm && (
        <ConfirmDialog
          title="Delete these outputs?"
          message={`${describeAmount(confirm.count, confirm.bytes, confirm.oldest, formatBytes)} will be deleted from disk. This cannot be undone.`}
          confirmLabel="Delete"
          onCancel={() => setConfirm(null)}
          onConfirm={() => void deleteNow()}
        />
      )}
    </section>
  );
}
