import { useState } from 'react';
import { Download, Sparkles, Trash2 } from 'lucide-react';
import type { WorkflowEntry } from '@shared/api/templates';
import { api } from '../../api/client';
import { Badge } from '../../components/ui/Badge';
import { ConfirmDialog } from '../../components/ui/ConfirmDialog';
import { IconButton } from '../../components/ui/IconButton';
import { useCatalog } from '../../stores/catalog-store';
import { useGenerate } from '../../stores/generate-store';
import { useNav } from '../../stores/nav-store';
import { report } from '../../stores/toast-store';

/** Save a text as a file the browser (or Electron) downloads. */
function saveText(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export async function exportWorkflow(id: string): Promise<void> {
  const file = await report(
    () => api.call('workflows.export', { id }),
    (f) => `Exported as ${f.fileName}.`,
  );
  if (file) saveText(file.fileName, file.json);
}

function Row({ entry, onDelete }: { entry: WorkflowEntry; onDelete(entry: WorkflowEntry): void }) {
  const m = entry.manifest;
  return (
    <li className="workflow-row" data-testid="workflow-row" data-id={m.id}>
      <div className="workflow-main">
        <div className="check-title">
          {m.title} <Badge tone={entry.source === 'imported' ? 'accent' : 'neutral'}>{entry.source}</Badge>
        </div>
        <div className="muted small">
          <code>{m.id}</code> · {m.kind} · {m.parameters.length} parameter{m.parameters.length === 1 ? '' : 's'}
          {m.models.length > 0 && ` · ${m.models.map((x) => x.default).join(', ')}`}
        </div>
      </div>
      <IconButton
        label={`Open ${m.title} in Generate`}
        icon={<Sparkles size={16} />}
        onClick={() => {
          useGenerate.getState().prefill({ workflow: m.id });
          useNav.getState().go('generate');
        }}
      />
      <IconButton label={`Export ${m.title}`} icon={<Download size={16} />} onClick={() => void exportWorkflow(m.id)} />
      {entry.source === 'imported' && (
        <IconButton
          label={`Delete ${m.title}`}
          variant="danger-ghost"
          icon={<Trash2 size={16} />}
          onClick={() => onDelete(entry)}
          data-testid="workflow-delete"
        />
      )}
    </li>
  );
}

/** Every workflow: the imported ones first (delete, export), then the bundled ones (export). */
export function WorkflowList() {
  const workflows = useCatalog((s) => s.workflows);
  const [deleting, setDeleting] = useState<WorkflowEntry | null>(null);
  const imported = workflows.filter((w) => w.source === 'imported');
  const bundled = workflows.filter((w) => w.source === 'bundled');
  return (
    <div className="card" data-testid="workflow-list">
      <div className="card-header">
        <h2>Your workflows</h2>
        <Badge>{imported.length}</Badge>
      </div>
      {imported.length === 0 ? (
        <p className="muted">None imported yet. Drop a workflow anywhere in the window to add one.</p>
      ) : (
        <ul className="checks">
          {imported.map((w) => (
            <Row key={w.manifest.id} entry={w} onDelete={setDeleting} />
          ))}
        </ul>
      )}
      <h3>Included with ComfyDesk</h3>
      <ul className="checks">
        {bundled.map((w) => (
          <Row key={w.manifest.id} entry={w} onDelete={setDeleting} />
        ))}
      </ul>
      {deleting && (
        <ConfirmDialog
          title={`Delete “${deleting.manifest.title}”?`}
          message="Its files are removed from ComfyDesk; templates that use it stop working. Export it first to keep a copy."
          confirmLabel="Delete"
          onCancel={() => setDeleting(null)}
          onConfirm={() => {
            const id = deleting.manifest.id;
            setDeleting(null);
            void report(() => api.call('workflows.remove', { id }), `“${deleting.manifest.title}” deleted.`);
          }}
        />
      )}
    </div>
  );
}
