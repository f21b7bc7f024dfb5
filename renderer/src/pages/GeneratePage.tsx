import { useEffect, useMemo, useState } from 'react';
import { mediaUrl } from '../api/media';
import { ParamFields } from '../components/ParamFields';
import { collectParams, formSpecs, takesNegative } from '../lib/param-form';
import { useAppStore } from '../stores/app-store';
import { useCatalog } from '../stores/catalog-store';
import { useGenerate } from '../stores/generate-store';
import { useNav } from '../stores/nav-store';
import { useQueue } from '../stores/queue-store';
import { ImageDrop } from './generate/ImageDrop';
import { EndedJob, JobCard } from './QueuePage';

/** The desktop user's own generation form, built from the chosen workflow's manifest. */
export function GeneratePage() {
  const workflows = useCatalog((s) => s.workflows);
  const defaultWorkflow = useAppStore((s) => s.settings?.defaults.workflow);
  const { draft, setDraft, submit, submitting, submitted, outputs } = useGenerate();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const jobs = useQueue((s) => s.byId);
  const progress = useQueue((s) => s.progress);

  useEffect(() => {
    if (draft.workflow || workflows.length === 0) return;
    const preferred = workflows.find((w) => w.manifest.id === defaultWorkflow) ?? workflows[0]!;
    setDraft({ workflow: preferred.manifest.id });
  }, [draft.workflow, workflows, defaultWorkflow, setDraft]);

  const manifest = workflows.find((w) => w.manifest.id === draft.workflow)?.manifest ?? null;
  const specs = useMemo(() => formSpecs(manifest), [manifest]);
  const promptSpec = manifest?.parameters.find((p) => p.name === 'prompt');
  const missingImages = (manifest?.images ?? []).filter(
    (img, slot) => img.required && !draft.images.some((i) => i.slot === slot),
  );

  const onSubmit = async (e: React.FormEvent) => {
    e.preventDefault();
    const { params, errors: found } = collectParams(specs, draft.values);
    if (promptSpec?.required && draft.prompt.trim() === '') found.prompt = 'Write a prompt: this workflow needs one.';
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    await submit(params);
  };

  return (
    <section className="page" aria-labelledby="generate-title">
      <header className="page-header">
        <h1 id="generate-title">Generate</h1>
      </header>
      <div className="two-columns generate-layout">
        <form className="card form" noValidate onSubmit={(e) => void onSubmit(e)} aria-label="Generate">
          <div className="field">
            <label htmlFor="gen-workflow">Workflow</label>
            <select
              id="gen-workflow"
              value={draft.workflow}
              onChange={(e) => {
                setErrors({});
                setDraft({
                  workflow: e.target.value,
                  values: {},
                  images: draft.images.filter(
                    (i) =>
                      i.slot < (workflows.find((w) => w.manifest.id === e.target.value)?.manifest.images.length ?? 0),
                  ),
                });
              }}
            >
              {workflows.map((w) => (
                <option key={w.manifest.id} value={w.manifest.id}>
                  {w.manifest.title} · {w.manifest.kind}
                </option>
              ))}
            </select>
            {manifest?.description && <small className="hint">{manifest.description}</small>}
          </div>
          {/* A workflow without a prompt (plain upscale) shows no prompt box; a prefilled prompt still goes along as its record. */}
          {(!manifest || promptSpec) && (
            <div className={`field${errors.prompt ? ' has-error' : ''}`}>
              <label htmlFor="gen-prompt">Prompt{promptSpec && !promptSpec.required ? ' (optional)' : ''}</label>
              <textarea
                id="gen-prompt"
                rows={4}
                maxLength={promptSpec?.maxLength ?? 2000}
                value={draft.prompt}
                aria-invalid={errors.prompt ? true : undefined}
                aria-describedby={errors.prompt ? 'gen-prompt-error' : undefined}
                onChange={(e) => {
                  setDraft({ prompt: e.target.value });
                  if (errors.prompt && e.target.value.trim()) setErrors(({ prompt: _gone, ...rest }) => rest);
                }}
                placeholder="What should it show?"
              />
              {errors.prompt && (
                <small id="gen-prompt-error" className="field-error" role="alert">
                  {errors.prompt}
                </small>
              )}
            </div>
          )}
          {takesNegative(manifest) && (
            <div className="field">
              <label htmlFor="gen-negative">Negative prompt</label>
              <textarea
                id="gen-negative"
                rows={2}
                maxLength={2000}
                value={draft.negative}
                onChange={(e) => setDraft({ negative: e.target.value })}
              />
            </div>
          )}
          {(manifest?.images.length ?? 0) > 0 && (
            <div className="image-slots">
              {manifest!.images.map((img, slot) => (
                <ImageDrop key={img.name} slot={slot} label={img.label} required={img.required} />
              ))}
            </div>
          )}
          <ParamFields
            idPrefix="gen"
            specs={specs}
            values={draft.values}
            errors={errors}
            onChange={(name, value) => setDraft({ values: { ...draft.values, [name]: value } })}
          />
          <div className="actions">
            {missingImages.length > 0 && (
              <span className="muted">Add: {missingImages.map((m) => m.label).join(', ')}</span>
            )}
            <button
              type="submit"
              className="primary"
              disabled={submitting || !manifest || missingImages.length > 0}
              data-testid="generate-submit"
            >
              {submitting ? 'Queuing…' : 'Generate'}
            </button>
          </div>
        </form>
        <div className="generate-results" aria-live="polite">
          <h2 className="section-title">Your jobs</h2>
          {submitted.length === 0 && <p className="empty">Submitted jobs show their progress here and in the queue.</p>}
          <ul className="job-list">
            {submitted.map((id) => {
              const job = jobs[id];
              if (!job) return null;
              if (job.status === 'done' || job.status === 'failed' || job.status === 'cancelled') {
                return (
                  <li key={id} className="generate-result" data-testid="generate-result" data-status={job.status}>
                    <ul className="ended-list">
                      <EndedJob job={job} />
                    </ul>
                    <div className="result-thumbs">
                      {(outputs[id] ?? []).map((o) => (
                        <button
                          key={o.id}
                          type="button"
                          className="result-thumb"
                          aria-label="Open in the gallery"
                          onClick={() => useNav.getState().go('gallery')}
                        >
                          {o.kind === 'image' ? (
                            <img src={mediaUrl('file', o.id)} alt={o.prompt} />
                          ) : (
                            <video src={mediaUrl('file', o.id)} muted loop autoPlay />
                          )}
                        </button>
                      ))}
                    </div>
                  </li>
                );
              }
              return <JobCard key={id} job={job} progress={progress[id]} compact />;
            })}
          </ul>
        </div>
      </div>
    </section>
  );
}
