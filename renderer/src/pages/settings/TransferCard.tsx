import { useRef, useState } from 'react';
import { Download, Upload } from 'lucide-react';
import type { ImportPreview } from '@shared/api/data';
import { api } from '../../api/client';
import { Button } from '../../components/ui/Button';
import { Dialog } from '../../components/ui/Dialog';
import { Field } from '../../components/ui/Field';
import { errorMessage } from '../../lib/format';
import { report } from '../../stores/toast-store';

/** Save text as a file through the browser's download (a save dialog in the desktop app). */
function download(fileName: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const show = (v: unknown): string =>
  v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v);

function Changes({ label, c }: { label: string; c: ImportPreview['templates'] }) {
  if (c.added.length + c.changed.length + c.unchanged === 0) return null;
  return (
    <li>
      <strong>{label}</strong>
      {c.added.length > 0 && <> · new: {c.added.join(', ')}</>}
      {c.changed.length > 0 && <> · changed: {c.changed.join(', ')}</>}
      {c.unchanged > 0 && <> · {c.unchanged} unchanged</>}
    </li>
  );
}

/** What an import would change, and the button that does it. */
function ImportPreviewDialog(props: { preview: ImportPreview; busy: boolean; onImport(): void; onCancel(): void }) {
  const { preview: p } = props;
  return (
    <Dialog title="Import these settings?" onClose={props.onCancel} showTitle wide testId="import-preview">
      <p className="dialog-message">
        Exported {new Date(p.exportedAt).toLocaleString()} by ComfyDesk {p.appVersion}. A backup is made first.
      </p>
      <ul className="data-changes">
        <li>
          <strong>Settings</strong> ·{' '}
          {p.settings.length === 0 ? 'no change' : `${p.settings.length} change${p.settings.length === 1 ? '' : 's'}`}
        </li>
        {p.settings.slice(0, 30).map((s) => (
          <li key={s.path} className="muted small">
            {s.path}: {show(s.from)} → {show(s.to)}
          </li>
        ))}
        <Changes label="Templates" c={p.templates} />
        <Changes label="Workflows" c={p.workflows} />
        <Changes label="Discord servers" c={p.guilds} />
      </ul>
      {p.warnings.map((w) => (
        <p key={w} className="banner warn">
          {w}
        </p>
      ))}
      <div className="actions">
        <Button onClick={props.onCancel} data-autofocus>
          Cancel
        </Button>
        <Button variant="primary" loading={props.busy} onClick={props.onImport} data-testid="import-confirm">
          Import
        </Button>
      </div>
    </Dialog>
  );
}

/**
 * Settings, templates, imported workflows, server settings and role maps to and from one file, for a new
 * computer. Tokens never go into it.
 */
export function TransferCard() {
  const picker = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<{ content: string; preview: ImportPreview } | null>(null);
  const [busy, setBusy] = useState(false);

  const exportNow = async () => {
    const file = await report(
      () => api.call('data.export'),
      (f) =>
        `Exported ${f.counts.templates} templates, ${f.counts.workflows} workflows and ${f.counts.guilds} servers.`,
    );
    if (file) download(file.fileName, file.content);
  };
  const choose = async (file: File | undefined) => {
    if (!file) return;
    setError(null);
    try {
      const content = await file.text();
      setPending({ content, preview: await api.call('data.importPreview', { content }) });
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const importNow = async () => {
    if (!pending) return;
    setBusy(true);
    const done = await report(() => api.call('data.import', { content: pending.content }), 'Imported.');
    setBusy(false);
    if (done) setPending(null);
  };

  return (
    <section className="card form" aria-label="Export and import">
      <div className="card-header">
        <h2>Move to another computer</h2>
      </div>
      <p className="muted small">
        One file with your settings, templates, imported workflows, and each Discord server's settings and roles. The
        Discord, Hugging Face and CivitAI tokens are never in it: enter them again on the new computer.
      </p>
      <Field
        id="import-file"
        label="Import a file"
        hint="A file made by “Export settings”. You see what changes before anything does."
        error={error}
      >
        <div className="input-row">
          <Button icon={<Upload size={16} />} onClick={() => picker.current?.click()} data-testid="import-choose">
            Choose a file…
          </Button>
          <input
            ref={picker}
            type="file"
            accept="application/json,.json"
            hidden
            data-testid="import-input"
            onChange={(e) => {
              void choose(e.target.files?.[0]);
              e.target.value = '';
            }}
          />
          <span className="grow" />
          <Button variant="primary" icon={<Download size={16} />} onClick={() => void exportNow()} data-testid="export">
            Export settings
          </Button>
        </div>
      </Field>
      {pending && (
        <ImportPreviewDialog
          preview={pending.preview}
          busy={busy}
          onImport={() => void importNow()}
          onCancel={() => setPending(null)}
        />
      )}
    </section>
  );
}
