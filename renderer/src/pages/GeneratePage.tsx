import { useEffect, useMemo, useRef, useState } from 'react';
import { Sparkles } from 'lucide-react';
import { ParamFields } from '../components/ParamFields';
import { Button } from '../components/ui/Button';
import { Combobox } from '../components/ui/Combobox';
import { Field } from '../components/ui/Field';
import { Textarea } from '../components/ui/Textarea';
import { collectParams, formSpecs, takesNegative } from '../lib/param-form';
import { api } from '../api/client';
import { ModelFields } from '../components/ModelFields';
import { NO_MODELS, useAppStore } from '../stores/app-store';
import { readinessNote } from '../stores/models-logic';
import { useModels } from '../stores/models-store';
import { useCatalog } from '../stores/catalog-store';
import { useGenerate } from '../stores/generate-store';
import { GenerateResults } from './generate/GenerateResults';
import { ImageDrop } from './generate/ImageDrop';

const MOD = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl';

/** The desktop user's own generation form, built from the chosen workflow's manifest. */
export function GeneratePage() {
  const workflows = useCatalog((s) => s.workflows);
  const defaultWorkflow = useAppStore((s) => s.settings?.defaults.workflow);
  const { draft, setDraft, submit, submitting } = useGenerate();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const form = useRef<HTMLFormElement>(null);
  const promptBox = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    if (draft.workflow || workflows.length === 0) return;
    const preferred = workflows.find((w) => w.manifest.id === defaultWorkflow) ?? workflows[0]!;
    setDraft({ workflow: preferred.manifest.id });
  }, [draft.workflow, workflows, defaultWorkflow, setDraft]);

  const manifest = workflows.find((w) => w.manifest.id === draft.workflow)?.manifest ?? null;
  const remembered = useAppStore((s) => s.settings?.models ?? NO_MODELS);
  const readiness = useModels((s) => s.readiness);
  useEffect(() => void useModels.getState().refreshReadiness(), []);
  const notRunnable = readiness.find((r) => r.id === draft.workflow && r.state === 'never');
  const specs = useMemo(() => formSpecs(manifest), [manifest]);
  const promptSpec = manifest?.parameters.find((p) => p.name === 'prompt');
  const missingImages = (manifest?.images ?? []).filter(
    (img, slot) => img.required && !draft.images.some((i) => i.slot === slot),
  );
  const blocked = submitting || !manifest || missingImages.length > 0;

  const onSubmit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (blocked) return;
    const { params, errors: found } = collectParams(specs, draft.values);
    if (promptSpec?.required && draft.prompt.trim() === '') found.prompt = 'Write a prompt: this workflow needs one.';
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    await submit(params);
    // Ready for the next one: the prompt keeps its text and the focus.
    promptBox.current?.focus();
  };

  const chooseWorkflow = (id: string) => {
    setErrors({});
    const slots = workflows.find((w) => w.manifest.id === id)?.manifest.images.length ?? 0;
    setDraft({ workflow: id, values: {}, models: {}, images: draft.images.filter((i) => i.slot < slots) });
  };

  return (
    <section className="page" aria-labelledby="generate-title">
      <header className="page-header">
        <h1 id="generate-title">Generate</h1>
      </header>
      <div className="two-columns generate-layout">
        <form
          ref={form}
          className="card form generate-form"
          noValidate
          onSubmit={(e) => void onSubmit(e)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              form.current?.requestSubmit();
            }
          }}
          aria-label="Generate"
        >
          <Field
            id="gen-workflow"
            label="Workflow"
            hint={manifest?.description}
            error={notRunnable ? `Cannot run here yet: ${notRunnable.reason ?? ''}. ${notRunnable.hint ?? ''}` : null}
          >
            <Combobox
              value={draft.workflow}
              options={workflows.map((w) => ({
                value: w.manifest.id,
                label: w.manifest.title,
                detail: readinessNote(readiness, w.manifest.id) ?? w.manifest.kind,
              }))}
              onValueChange={chooseWorkflow}
              placeholder={workflows.length === 0 ? 'Loading workflows…' : 'Choose a workflow'}
              searchPlaceholder="Search workflows…"
              emptyText="No workflow matches."
            />
          </Field>
          {/* A workflow without a prompt (plain upscale) shows no prompt box; a prefilled prompt still goes along as its record. */}
          {(!manifest || promptSpec) && (
            <Field
              id="gen-prompt"
              label={`Prompt${promptSpec && !promptSpec.required ? ' (optional)' : ''}`}
              error={errors.prompt}
            >
              <Textarea
                ref={promptBox}
                rows={4}
                maxLength={promptSpec?.maxLength ?? 2000}
                value={draft.prompt}
                onChange={(e) => {
                  setDraft({ prompt: e.target.value });
                  if (errors.prompt && e.target.value.trim()) setErrors(({ prompt: _gone, ...rest }) => rest);
                }}
                placeholder="What should it show? e.g. a lighthouse on a cliff at dawn"
              />
            </Field>
          )}
          {takesNegative(manifest) && (
            <Field id="gen-negative" label="Negative prompt (optional)">
              <Textarea
                rows={2}
                maxLength={2000}
                value={draft.negative}
                onChange={(e) => setDraft({ negative: e.target.value })}
                placeholder="What to keep out, e.g. blurry, text"
              />
            </Field>
          )}
          {(manifest?.images.length ?? 0) > 0 && (
            <div className="image-slots">
              {manifest!.images.map((img, slot) => (
                <ImageDrop key={img.name} slot={slot} label={img.label} required={img.required} />
              ))}
            </div>
          )}
          {manifest && (manifest.models.length > 0 || manifest.lora) && (
            <ModelFields
              idPrefix="gen"
              manifest={manifest}
              models={draft.models}
              remembered={remembered}
              lora={draft.lora}
              onModel={(setting, file) => {
                setDraft({ models: { ...draft.models, [setting]: file } });
                // Remembered for this workflow: the next time (and /generate on Discord) starts from it.
                void api.call('settings.set', { models: { [setting]: file } }).catch(() => undefined);
              }}
              onLora={(lora) => setDraft({ lora })}
            />
          )}
          <ParamFields
            idPrefix="gen"
            specs={specs}
            values={draft.values}
            errors={errors}
            onChange={(name, value) => setDraft({ values: { ...draft.values, [name]: value } })}
          />
          <div className="actions form-footer">
            <span className="actions-note">
              {missingImages.length > 0 ? (
                `Add ${missingImages.map((m) => m.label.toLowerCase()).join(' and ')} to generate.`
              ) : (
                <>
                  <kbd>{MOD}</kbd>+<kbd>Enter</kbd> to generate
                </>
              )}
            </span>
            <Button
              type="submit"
              variant="primary"
              size="lg"
              icon={<Sparkles size={16} />}
              loading={submitting}
              disabled={blocked}
              data-testid="generate-submit"
            >
              {submitting ? 'Queuing…' : 'Generate'}
            </Button>
          </div>
        </form>
        <GenerateResults />
      </div>
    </section>
  );
}
