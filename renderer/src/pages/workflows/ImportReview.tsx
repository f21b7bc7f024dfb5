import { CircleAlert, Save, X } from 'lucide-react';
import { WORKFLOW_KINDS } from '@shared/workflow-manifest';
import { Badge } from '../../components/ui/Badge';
import { Button } from '../../components/ui/Button';
import { Field } from '../../components/ui/Field';
import { Input } from '../../components/ui/Input';
import { Select } from '../../components/ui/Select';
import { Textarea } from '../../components/ui/Textarea';
import { useCatalog } from '../../stores/catalog-store';
import { useGenerate } from '../../stores/generate-store';
import { useImport } from '../../stores/import-store';
import { useNav } from '../../stores/nav-store';
import { ReviewModels } from './ReviewModels';
import { ReviewParams } from './ReviewParams';

const KIND_LABEL = { txt2img: 'Text to image', edit: 'Edit images', upscale: 'Upscale', img2video: 'Image to video' };

function Source() {
  const proposal = useImport((s) => s.proposal)!;
  const fileName = useImport((s) => s.fileName);
  const checked = useImport((s) => s.checkedAgainst);
  const what =
    proposal.format === 'export'
      ? 'a ComfyDesk export'
      : proposal.format === 'ui'
        ? `ComfyUI’s editor graph${proposal.container === 'png' ? ' in a PNG' : ''}, converted`
        : proposal.container === 'png'
          ? 'the API graph saved in a ComfyUI PNG'
          : 'an API-format workflow';
  return (
    <p className="muted" data-testid="review-source">
      {fileName}: {what}. {checked ? `Checked against ${checked.name}.` : 'No ComfyUI is online: nothing was checked.'}
    </p>
  );
}

function Missing() {
  const missing = useImport((s) => s.missing);
  const problems = useImport((s) => s.problems);
  const invalid = useImport((s) => s.invalid);
  const other = problems.filter((p) => p.severity === 'error' && !/unknown node class|model '/.test(p.message));
  if (missing.nodeClasses.length + missing.models.length + other.length + invalid.length === 0) return null;
  return (
    <div className="banner warn review-missing" data-testid="review-missing" role="status">
      <CircleAlert size={16} aria-hidden="true" />
      <div>
        {missing.nodeClasses.length > 0 && (
          <p>
            This ComfyUI lacks the node {missing.nodeClasses.length === 1 ? 'class' : 'classes'}{' '}
            {missing.nodeClasses.map((c) => (
              <code key={c} className="node-class">
                {c}
              </code>
            ))}
            : install the custom nodes that provide them (ComfyUI-Manager: “Install Missing Custom Nodes”), restart
            ComfyUI, then refresh the backend on the Health page. You can save now; it runs once they are there.
          </p>
        )}
        {missing.models.length > 0 && (
          <p>
            Missing model {missing.models.length === 1 ? 'file' : 'files'}:{' '}
            {missing.models.map((m) => `${m.file} (${m.folder})`).join(', ')}. Pick a file this ComfyUI has below, or
            add the file to that folder.
          </p>
        )}
        {other.map((p, i) => (
          <p key={i}>{p.message}</p>
        ))}
        {invalid.map((line) => (
          <p key={line}>Cannot be saved yet: {line}</p>
        ))}
      </div>
    </div>
  );
}

/** The proposal for a dropped file, editable, then saved (or discarded). */
export function ImportReview() {
  const manifest = useImport((s) => s.manifest)!;
  const { notes } = useImport((s) => s.proposal)!;
  const invalid = useImport((s) => s.invalid);
  const saving = useImport((s) => s.saving);
  const checking = useImport((s) => s.checking);
  const { edit, editImage, save, discard } = useImport.getState();
  const saveAndOpen = async () => {
    const entry = await save();
    if (!entry) return;
    await useCatalog.getState().load();
    const prompt = entry.manifest.parameters.find((p) => p.name === 'prompt')?.default;
    useGenerate.getState().prefill({ workflow: entry.manifest.id, prompt: typeof prompt === 'string' ? prompt : '' });
    useNav.getState().go('generate');
  };
  return (
    <div className="card form import-review" data-testid="import-review">
      <div className="card-header">
        <h2>Review “{manifest.title}”</h2>
        <Badge>{KIND_LABEL[manifest.kind]}</Badge>
        {checking && <span className="muted small">Checking…</span>}
      </div>
      <Source />
      <Missing />
      {notes.length > 0 && (
        <ul className="review-notes muted">
          {notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      <div className="field-grid cols-2">
        <Field id="review-title" label="Name">
          <Input value={manifest.title} maxLength={100} onChange={(e) => edit({ title: e.target.value })} />
        </Field>
        <Field
          id="review-id"
          label="Id"
          hint="Lower-case letters, digits and dashes; /generate workflow:<id> in Discord."
        >
          <Input
            value={manifest.id}
            maxLength={63}
            onChange={(e) => edit({ id: e.target.value.toLowerCase().replace(/[^a-z0-9-]/g, '-') })}
          />
        </Field>
        <Field id="review-kind" label="Kind">
          <Select
            value={manifest.kind}
            onValueChange={(k) => edit({ kind: k as (typeof WORKFLOW_KINDS)[number] })}
            options={WORKFLOW_KINDS.map((k) => ({ value: k, label: KIND_LABEL[k] }))}
          />
        </Field>
        <Field id="review-description" label="Description (optional)">
          <Textarea
            rows={2}
            maxLength={1000}
            value={manifest.description}
            onChange={(e) => edit({ description: e.target.value })}
          />
        </Field>
      </div>
      <h3>Parameters</h3>
      <ReviewParams />
      {manifest.images.length > 0 && (
        <>
          <h3>Input images</h3>
          <div className="field-grid cols-2">
            {manifest.images.map((img, i) => (
              <Field
                key={img.name}
                id={`review-image-${i}`}
                label={`${img.name} (${img.required ? 'required' : 'optional'})`}
              >
                <Input value={img.label} maxLength={80} onChange={(e) => editImage(i, e.target.value || img.name)} />
              </Field>
            ))}
          </div>
        </>
      )}
      <h3>Models</h3>
      <ReviewModels />
      <h3>Outputs</h3>
      <p className="muted">
        {manifest.outputs.map((o) => `node ${o.node} (${o.media})`).join(', ')} — saved to the gallery after each run.
      </p>
      <div className="actions form-footer">
        <Button variant="ghost" icon={<X size={16} />} onClick={discard} data-testid="import-discard">
          Discard
        </Button>
        <Button disabled={invalid.length > 0} loading={saving} onClick={() => void save()} data-testid="import-save">
          Save
        </Button>
        <Button
          variant="primary"
          icon={<Save size={16} />}
          disabled={invalid.length > 0}
          loading={saving}
          onClick={() => void saveAndOpen()}
          data-testid="import-save-open"
        >
          Save and open in Generate
        </Button>
      </div>
    </div>
  );
}
