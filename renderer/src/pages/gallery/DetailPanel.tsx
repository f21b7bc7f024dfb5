import { useEffect, useRef, useState } from 'react';
import type { Job } from '@shared/jobs';
import {
  Copy,
  Download,
  Expand,
  FolderOpen,
  ExternalLink,
  MoreHorizontal,
  Shuffle,
  SlidersHorizontal,
  Star,
  Trash2,
  Wand2,
  X,
  Repeat,
  UserRound,
} from 'lucide-react';
import { api } from '../../api/client';
import { mediaUrl } from '../../api/media';
import { Button } from '../../components/ui/Button';
import { Dialog } from '../../components/ui/Dialog';
import { DropdownMenu, type MenuAction } from '../../components/ui/DropdownMenu';
import { IconButton } from '../../components/ui/IconButton';
import { downloadOne } from '../../lib/download';
import { formatBytes, formatDate } from '../../lib/format';
import { paramFacts } from '../../lib/param-facts';
import { useMediaQuery } from '../../lib/use-media-query';
import { useCatalog } from '../../stores/catalog-store';
import { useBot } from '../../stores/bot-store';
import { DESKTOP_USER_ID, useGuildName, useUserName } from '../../stores/people-store';
import { useGallery } from '../../stores/gallery-store';
import { report } from '../../stores/toast-store';
import { DeleteOutputDialog } from './DeleteOutputDialog';
import { useOutput } from './use-output';
import { copy, rerun, USE_AS, useAsInput, vary } from './detail-actions';

function useJob(jobId: string | undefined): Job | null {
  const [job, setJob] = useState<Job | null>(null);
  useEffect(() => {
    setJob(null);
    if (!jobId) return;
    let live = true;
    api.call('jobs.get', { id: jobId }).then(
      (j) => live && setJob(j),
      () => undefined, // the job may be cleaned up; the output still shows what it holds
    );
    return () => {
      live = false;
    };
  }, [jobId]);
  return job;
}

/**
 * One output beside the grid (a sheet over it on a narrow window): a preview that opens the lightbox, the actions
 * ranked (Open, Rerun with a new seed and Vary first; the rest in a menu), the prompt and what it was made with.
 */
export function DetailPanel({ id }: { id: number }) {
  const docked = useMediaQuery('(min-width: 1100px)');
  const close = () => {
    const inside = document.activeElement?.closest('.detail-panel') != null;
    useGallery.getState().open(null);
    // The keyboard goes back where it came from.
    if (inside) document.querySelector<HTMLElement>('[data-testid=gallery-grid]')?.focus();
  };
  const body = <DetailBody id={id} onClose={close} />;
  if (docked) return body;
  return (
    <Dialog title="Output details" onClose={close} variant="sheet">
      {body}
    </Dialog>
  );
}

function DetailBody({ id, onClose }: { id: number; onClose: () => void }) {
  const output = useOutput(id, onClose);
  const workflows = useCatalog((s) => s.workflows);
  const guilds = useBot((s) => s.guilds);
  const userName = useUserName(output?.userId ?? DESKTOP_USER_ID);
  const server = useGuildName(output?.guildId ?? null, guilds);
  const job = useJob(output?.jobId);
  const [confirm, setConfirm] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  // Opening moves the focus in (once: following the grid's focus later must not take it from the grid).
  const focused = useRef(false);
  useEffect(() => {
    if (focused.current || !output) return;
    focused.current = true;
    heading.current?.focus({ preventScroll: true });
  }, [output]);

  if (!output) return <aside className="detail-panel" aria-label="Output details" aria-busy="true" />;
  const manifest = workflows.find((w) => w.manifest.id === output.workflow)?.manifest;
  const mine = output.userId === DESKTOP_USER_ID;
  const step = (d: number) => {
    const { items } = useGallery.getState();
    const next = items[items.findIndex((o) => o.id === output.id) + d];
    if (next) useGallery.getState().open(next.id);
  };
  const more: MenuAction[] = [
    {
      label: 'Rerun with the same seed',
      icon: <Repeat size={16} />,
      onSelect: () => void rerun(output, { sameSeed: true }),
    },
    ...(!mine
      ? [
          {
            label: `Rerun for ${userName}`,
            icon: <UserRound size={16} />,
            onSelect: () => void rerun(output, { asOriginalUser: true }),
          },
        ]
      : []),
    ...(output.kind === 'image'
      ? USE_AS.filter((u) => workflows.some((w) => w.manifest.kind === u.kind)).map((u) => ({
          label: `${u.label} in Generate`,
          icon: <Wand2 size={16} />,
          onSelect: () => useAsInput(output, u.kind, workflows),
        }))
      : []),
    { label: 'Copy prompt', icon: <Copy size={16} />, onSelect: () => void copy(output.prompt, 'Prompt') },
    ...(output.seed !== null
      ? [{ label: 'Copy seed', icon: <Copy size={16} />, onSelect: () => void copy(String(output.seed), 'Seed') }]
      : []),
    window.comfydesk
      ? {
          label: 'Show in folder',
          icon: <FolderOpen size={16} />,
          onSelect: () =>
            void report(() => api.call('library.reveal', { id: output.id }), 'Shown in your file manager.'),
        }
      : {
          label: 'Copy file location',
          icon: <Copy size={16} />,
          onSelect: () => void copy(output.filePath, 'File location'),
        },
    ...(!window.comfydesk
      ? [
          {
            label: 'Open the file in a new tab',
            icon: <ExternalLink size={16} />,
            onSelect: () => void window.open(mediaUrl('file', output.id), '_blank', 'noopener'),
          },
        ]
      : []),
  ];
  return (
    <aside
      className="detail-panel"
      aria-label="Output details"
      data-testid="output-detail"
      onKeyDown={(e) => {
        if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) return;
        if (e.key === 'ArrowRight' || e.key === 'ArrowDown') step(1);
        else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') step(-1);
        else if (e.key === 'Escape') onClose();
        else return;
        e.preventDefault();
      }}
    >
      <div className="detail-top">
        <h2 ref={heading} tabIndex={-1}>
          {manifest?.title ?? output.workflow}
        </h2>
        <IconButton
          label={output.favourite ? 'Remove from favourites' : 'Add to favourites'}
          icon={<Star size={18} fill={output.favourite ? 'currentColor' : 'none'} />}
          aria-pressed={output.favourite}
          className={output.favourite ? 'is-favourite' : undefined}
          onClick={() => void useGallery.getState().setFavourite(output.id, !output.favourite)}
          data-testid="detail-favourite"
        />
        <IconButton label="Download" icon={<Download size={18} />} onClick={() => downloadOne(output)} />
        <DropdownMenu
          label="More actions"
          items={more}
          trigger={<IconButton label="More actions" icon={<MoreHorizontal size={18} />} />}
        />
        <IconButton
          variant="danger-ghost"
          label="Delete"
          icon={<Trash2 size={18} />}
          onClick={() => setConfirm(true)}
          data-testid="detail-delete"
        />
        <IconButton label="Close the details" icon={<X size={18} />} onClick={onClose} />
      </div>
      <button
        type="button"
        className="detail-preview"
        onClick={() => useGallery.getState().view(output.id)}
        aria-label="Open full screen"
        style={{ aspectRatio: output.width && output.height ? `${output.width} / ${output.height}` : undefined }}
      >
        {output.kind === 'video' ? (
          <video src={mediaUrl('file', output.id)} muted loop autoPlay playsInline />
        ) : (
          <img src={mediaUrl('file', output.id)} alt="" />
        )}
      </button>
      <div className="detail-primary">
        <Button
          variant="primary"
          icon={<Expand size={16} />}
          onClick={() => useGallery.getState().view(output.id)}
          data-testid="detail-open"
        >
          Open
        </Button>
        <Button
          icon={<Shuffle size={16} />}
          onClick={() => void rerun(output)}
          title="Same prompt and settings, a new seed"
        >
          Rerun with new seed
        </Button>
        <Button
          icon={<SlidersHorizontal size={16} />}
          onClick={() => vary(output, job, workflows)}
          title="Open Generate with this prompt and settings to change something"
        >
          Vary
        </Button>
      </div>
      <section className="detail-section">
        <h3>Prompt</h3>
        <p className="prompt-text" data-testid="detail-prompt">
          {output.prompt || <span className="muted">No prompt</span>}
        </p>
        {output.negative && (
          <>
            <h3>Negative prompt</h3>
            <p className="prompt-text negative">{output.negative}</p>
          </>
        )}
      </section>
      <dl className="facts" data-testid="detail-facts">
        {job &&
          paramFacts(job, manifest).map((f) => (
            <div key={f.label}>
              <dt>{f.label}</dt>
              <dd>{f.value}</dd>
            </div>
          ))}
        <div>
          <dt>Seed</dt>
          <dd>{output.seed ?? '—'}</dd>
        </div>
        <div>
          <dt>Asked by</dt>
          <dd>{mine ? 'You' : userName}</dd>
        </div>
        <div>
          <dt>Where</dt>
          <dd>{output.guildId ? server : job?.source === 'discord' ? 'Discord (direct message)' : 'This app'}</dd>
        </div>
        <div>
          <dt>Made</dt>
          <dd>{formatDate(output.createdAt)}</dd>
        </div>
        <div>
          <dt>File</dt>
          <dd>
            {output.width && output.height ? `${output.width}×${output.height} · ` : ''}
            {formatBytes(output.bytes)}
          </dd>
        </div>
      </dl>
      <p className="muted small detail-keys">
        <kbd>←</kbd> <kbd>→</kbd> previous / next · <kbd>Esc</kbd> closes
      </p>
      {confirm && <DeleteOutputDialog ids={[output.id]} onClose={() => setConfirm(false)} />}
    </aside>
  );
}
