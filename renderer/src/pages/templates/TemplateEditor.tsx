import { useEffect, useMemo, useState } from 'react';
import { templatePreviewEmbed } from '@shared/embeds';
import { DESKTOP_OWNER_ID } from '@shared/api/templates';
import type { Template } from '@shared/templates';
import { Sparkles, Trash2 } from 'lucide-react';
import { DiscordMessage } from '../../components/DiscordEmbed';
import { Button } from '../../components/ui/Button';
import { Checkbox } from '../../components/ui/Checkbox';
import { Combobox } from '../../components/ui/Combobox';
import { Field } from '../../components/ui/Field';
import { Input } from '../../components/ui/Input';
import { Select } from '../../components/ui/Select';
import { Textarea } from '../../components/ui/Textarea';
import { ConfirmDialog } from '../../components/ui/ConfirmDialog';
import { ModelFields, type LoraValue } from '../../components/ModelFields';
import { ParamFields } from '../../components/ParamFields';
import { collectParams, formSpecs, formValues, takesNegative, type FormValues } from '../../lib/param-form';
import { NO_MODELS, useAppStore } from '../../stores/app-store';
import { useCatalog } from '../../stores/catalog-store';
import { useBot } from '../../stores/bot-store';
import { useGenerate } from '../../stores/generate-store';
import { useNav } from '../../stores/nav-store';

interface Props {
  template: Template | null;
  onSaved(t: Template): void;
  onDeleted(): void;
}

/** Name, server, workflow, prompts and parameters (from the manifest), with the Discord message beside it. */
export function TemplateEditor({ template, onSaved, onDeleted }: Props) {
  const workflows = useCatalog((s) => s.workflows);
  const guilds = useBot((s) => s.guilds);
  const defaultWorkflow = useAppStore((s) => s.settings?.defaults.workflow);
  const startWorkflow =
    template?.workflow ??
    workflows.find((w) => w.manifest.id === defaultWorkflow)?.manifest.id ??
    workflows[0]?.manifest.id ??
    '';
  const [name, setName] = useState(template?.name ?? '');
  const [guildId, setGuildId] = useState<string | null>(template?.guildId ?? null);
  const [shared, setShared] = useState(template?.shared ?? false);
  const [workflow, setWorkflow] = useState(startWorkflow);
  const [prompt, setPrompt] = useState(template?.prompt ?? '');
  const [negative, setNegative] = useState(template?.negative ?? '');
  const [models, setModels] = useState<Record<string, string>>(template?.models ?? {});
  const [lora, setLora] = useState<LoraValue | null>(template?.lora ?? null);
  const remembered = useAppStore((s) => s.settings?.models ?? NO_MODELS);
  // Opened before the workflows arrived: take the default one once they are there.
  useEffect(() => {
    if (!workflow && startWorkflow) setWorkflow(startWorkflow);
  }, [workflow, startWorkflow]);
  const manifest = workflows.find((w) => w.manifest.id === workflow)?.manifest ?? null;
  const specs = useMemo(() => formSpecs(manifest), [manifest]);
  const [values, setValues] = useState<FormValues>(() => formValues(specs, template?.params));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const [nameError, setNameError] = useState<string | null>(null);
  const [confirm, setConfirm] = useState(false);

  /** A Discord user's template: the desktop may delete it, or save its own copy. */
  const mine = !template || template.ownerId === DESKTOP_OWNER_ID;
  const { params, errors: live } = collectParams(specs, values);
  const embed = templatePreviewEmbed(
    {
      name: name.trim() || 'Untitled',
      prompt,
      negative,
      params,
      workflow,
      shared,
      ...(template ? { id: template.id } : {}),
    },
    manifest,
  );

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setErrors(live);
    setNameError(name.trim() ? null : 'Give the template a name: people load it by this name on Discord.');
    if (Object.keys(live).length > 0 || !name.trim()) return;
    setSaving(true);
    const saved = await useCatalog.getState().saveTemplate({
      ...(template && mine ? { id: template.id } : {}),
      name,
      guildId,
      shared: guildId !== null && shared,
      prompt,
      negative,
      params,
      workflow,
      models,
      lora,
    });
    setSaving(false);
    if (saved) onSaved(saved);
  };

  return (
    <div className="editor-layout">
      <form className="card form" noValidate onSubmit={(e) => void save(e)} aria-label="Template editor">
        {!mine && (
          <p className="banner warn">
            Made on Discord by user {template.ownerId}. You can delete it, or save your own copy.
          </p>
        )}
        <Field id="tpl-name" label="Name" error={nameError} hint="People load it on Discord by this name.">
          <Input
            type="text"
            required
            maxLength={100}
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              if (e.target.value.trim()) setNameError(null);
            }}
            placeholder="e.g. cozy-castle"
          />
        </Field>
        <div className="field-grid cols-2">
          <Field id="tpl-guild" label="Server">
            <Select
              value={guildId ?? ''}
              onValueChange={(v) => setGuildId(v || null)}
              options={[
                { value: '', label: 'Private (only here)' },
                ...guilds.map((g) => ({ value: g.id, label: g.name })),
              ]}
            />
          </Field>
          <div className="field field-check">
            <Checkbox
              label="Shared with everyone on the server"
              description={guildId === null ? 'Pick a server first: a private template stays here.' : undefined}
              checked={shared && guildId !== null}
              disabled={guildId === null}
              onCheckedChange={setShared}
            />
          </div>
        </div>
        <Field id="tpl-workflow" label="Workflow">
          <Combobox
            value={workflow}
            options={workflows.map((w) => ({ value: w.manifest.id, label: w.manifest.title, detail: w.manifest.kind }))}
            onValueChange={(id) => {
              const next = workflows.find((w) => w.manifest.id === id)?.manifest ?? null;
              setWorkflow(id);
              setModels({});
              setLora(null);
              setValues(formValues(formSpecs(next), params));
              setErrors({});
            }}
            searchPlaceholder="Search workflows…"
          />
        </Field>
        <Field id="tpl-prompt" label="Prompt">
          <Textarea rows={4} maxLength={2000} value={prompt} onChange={(e) => setPrompt(e.target.value)} />
        </Field>
        {takesNegative(manifest) && (
          <Field id="tpl-negative" label="Negative prompt (optional)">
            <Textarea rows={2} maxLength={2000} value={negative} onChange={(e) => setNegative(e.target.value)} />
          </Field>
        )}
        {manifest && (manifest.models.length > 0 || manifest.lora) && (
          <ModelFields
            idPrefix="tpl"
            manifest={manifest}
            models={models}
            remembered={remembered}
            lora={lora}
            onModel={(setting, file) => setModels({ ...models, [setting]: file })}
            onLora={setLora}
          />
        )}
        <ParamFields
          idPrefix="tpl"
          specs={specs}
          values={values}
          errors={{ ...errors, ...live }}
          onChange={(n, v) => setValues({ ...values, [n]: v })}
        />
        <div className="actions form-footer">
          {template && (
            <Button variant="danger-ghost" icon={<Trash2 size={16} />} onClick={() => setConfirm(true)}>
              Delete
            </Button>
          )}
          <span className="spacer" />
          <Button
            icon={<Sparkles size={16} />}
            onClick={() => {
              useGenerate.getState().prefill({ workflow, prompt, negative, values, models, lora });
              useNav.getState().go('generate');
            }}
          >
            Use in Generate
          </Button>
          <Button type="submit" variant="primary" loading={saving} disabled={!manifest} data-testid="template-save">
            {saving ? 'Saving…' : !mine ? 'Save my copy' : template ? 'Save changes' : 'Create template'}
          </Button>
        </div>
      </form>
      <div className="preview-column">
        <h2 className="section-title">Discord preview</h2>
        <div className="discord-surface">
          <DiscordMessage embed={embed} />
        </div>
        <p className="muted small">This is the message the bot posts for /template load.</p>
      </div>
      {confirm && template && (
        <ConfirmDialog
          title={`Delete “${template.name}”?`}
          message="People on the server can no longer load it."
          confirmLabel="Delete"
          onCancel={() => setConfirm(false)}
          onConfirm={() => {
            setConfirm(false);
            void useCatalog
              .getState()
              .deleteTemplate(template.id)
              .then((ok) => ok && onDeleted());
          }}
        />
      )}
    </div>
  );
}
