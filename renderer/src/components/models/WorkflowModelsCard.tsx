import { Check, Clock, TriangleAlert } from 'lucide-react';
import { formatBytes } from '../../lib/format';
import type { WorkflowNeeds } from '../../stores/models-logic';
import { Badge } from '../ui/Badge';
import { MissingFileRow } from './MissingFileRow';

interface Props {
  needs: WorkflowNeeds;
  /** Marked as the one to start with. */
  suggested?: boolean;
}

/** A workflow: can it run on this ComfyUI now, and for each file it lacks, how to get it. */
export function WorkflowModelsCard({ needs: n, suggested }: Props) {
  const ready = n.state === 'ready';
  return (
    <article className={`card workflow-needs${suggested ? ' suggested' : ''}`} data-testid={`needs-${n.manifest.id}`}>
      <header className="card-header">
        {ready ? (
          <Check size={18} className="ok-icon" aria-hidden="true" />
        ) : n.state === 'wait' ? (
          <Clock size={18} aria-hidden="true" />
        ) : (
          <TriangleAlert size={18} className="warn-icon" aria-hidden="true" />
        )}
        <h3>{n.manifest.title}</h3>
        {suggested && <Badge tone="accent">Start here</Badge>}
        <span className="spacer" />
        <Badge tone={ready ? 'ok' : n.state === 'wait' ? 'neutral' : 'warn'}>
          {ready ? 'Ready' : n.state === 'wait' ? 'Waiting' : 'Needs files'}
        </Badge>
      </header>
      {!ready && n.state === 'wait' && <p className="muted">{n.reason}</p>}
      {!ready && n.missing.length > 0 && (
        <>
          <p className="muted">
            It needs {n.missing.length === 1 ? 'one file' : `${n.missing.length} files`} ComfyUI does not have
            {n.bytesToGet > 0 ? ` (${formatBytes(n.bytesToGet)} to download)` : ''}.
          </p>
          <ul className="missing-list">
            {n.missing.map((m) => (
              <MissingFileRow key={`${m.folder}/${m.file}`} missing={m} />
            ))}
          </ul>
        </>
      )}
      {n.missingNodes.length > 0 && (
        <p className="muted">
          ComfyUI lacks the node{n.missingNodes.length === 1 ? '' : 's'} {n.missingNodes.join(', ')}: install the custom
          nodes that provide {n.missingNodes.length === 1 ? 'it' : 'them'} (ComfyUI-Manager finds them by name), then
          restart ComfyUI.
        </p>
      )}
    </article>
  );
}
