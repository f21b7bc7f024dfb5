import { useEffect, useState } from 'react';
import { paramFields } from '@shared/embeds';
import type { Job } from '@shared/jobs';
import type { WorkflowKind } from '@shared/workflow-manifest';
import { api } from '../../api/client';
import { mediaUrl } from '../../api/media';
import { Copy, ExternalLink, FolderOpen, MoreHorizontal, RotateCw, Star, Trash2, Wand2, X } from 'lucide-react';
import { Button, buttonClass } from '../../components/ui/Button';
import { Dialog } from '../../components/ui/Dialog';
import { DropdownMenu } from '../../components/ui/DropdownMenu';
import { IconButton } from '../../components/ui/IconButton';
import { DeleteOutputDialog } from './DeleteOutputDialog';
import { copyText } from '../../lib/clipboard';
import { formatBytes, formatDate } from '../../lib/format';
import { guildName, useCatalog } from '../../stores/catalog-store';
import { useBot } from '../../stores/bot-store';
import { DESKTOP_USER_ID, useUserName } from '../../stores/people-store';
import { useGallery } from '../../stores/gallery-store';
import { useGenerate } from '../../stores/generate-store';
import { useNav } from '../../stores/nav-store';
import { report, toast } from '../../stores/toast-store';

const USE_AS: Array<{ kind: WorkflowKind; label: string }> = [
  { kind: 'edit', label: 'Edit' },
  { kind: 'upscale', label: 'Upscale' },
  { kind: 'img2video', label: 'Animate' },
];

async function copy(text: string, what: string) {
  await report(() => copyText(text), `${what} copied.`);
}

/** One output: full image or video, everything it was made with, and what can be done with it. */
export function OutputDetail({ id }: { id: number }) {
  const items = useGallery((s) => s.items);
  const output = items.find((o) => o.id === id) ?? null;
  const close = () => useGallery.getState().open(null);
  const workflows = useCatalog((s) => s.workflows);
  const guilds = useBot((s) => s.guilds);
  const userName = useUserName(output?.userId ?? DESKTOP_USER_ID);
  const [job, setJob] = useState<Job | null>(null);
  const [confirm, setConfirm] = useState(false);

  useEffect(() => {
    setJob(null);
    const jobId = output?.jobId;
    if (!jobId) return;
    let live = true;
    api.call('jobs.get', { id: jobId }).then(
      (j) => live && setJob(j),
      () => undefined, // the job may be cleaned up; the output still shows what it holds
    );
    return () => {
      live = false;
    };
  }, [output?.jobId]);

  if (!output) return null;
  const index = items.indexOf(output);
  const step = (d: number) => {
    const next = items[index + d];
    if (next) useGallery.getState().open(next.id);
  };
  const manifest = workflows.find((w) => w.manifest.id === output.workflow)?.manifest;
  // The output's own seed is the one used (a random seed is fixed by then); it is shown on its own.
  const params = { ...(job?.params ?? {}), seed: undefined };
  const useAs = (kind: WorkflowKind) => {
    const wf = workflows.find((w) => w.manifest.kind === kind);
    if (!wf) return toast.error(`No ${kind} workflow is installed.`);
    useGenerate.getState().prefill({
      workflow: wf.manifest.id,
      prompt: kind === 'upscale' ? output.prompt : '',
      images: [
        {
          slot: 0,
          path: output.filePath,
          filename: output.filePath.split(/[\\/]/).pop() ?? 'image.png',
          previewUrl: mediaUrl('file', output.id),
        },
      ],
    });
    close();
    useNav.getState().go('generate');
  };

  return (
    <Dialog title="Output details" onClose={close} wide>
      <div
        className="detail"
        data-testid="output-detail"
        onKeyDown={(e) => {
          if (e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLInputElement) return;
          if (e.key === 'ArrowRight') step(1);
          if (e.key === 'ArrowLeft') step(-1);
        }}
      >
        <div className="detail-media">
          {output.kind === 'video' ? (
            <video src={mediaUrl('file', output.id)} controls loop autoPlay muted />
          ) : (
            <img src={mediaUrl('file', output.id)} alt={output.prompt || 'Generated image'} />
          )}
        </div>
        <aside className="detail-info">
          <div className="detail-top">
            <h2>{manifest?.title ?? output.workflow}</h2>
            <IconButton label="Close" icon={<X size={18} />} onClick={close} />
          </div>
          <h3>Prompt</h3>
          <p className="prompt-text" data-testid="detail-prompt">
            {output.prompt || '—'}
          </p>
          {output.negative && (
            <>
              <h3>Negative</h3>
              <p className="prompt-text">{output.negative}</p>
            </>
          )}
          <dl className="facts">
            {paramFields(params).map((f) => (
              <div key={f.name}>
                <dt>{f.name}</dt>
                <dd>{f.value}</dd>
              </div>
            ))}
            <div>
              <dt>Seed</dt>
              <dd>{output.seed ?? '—'}</dd>
            </div>
            <div>
              <dt>Asked by</dt>
              <dd>
                {output.userId === 'desktop' ? 'You (desktop)' : userName}
                {job && output.userId !== 'desktop' ? ` · ${job.source === 'discord' ? 'Discord' : 'desktop'}` : ''}
              </dd>
            </div>
            <div>
              <dt>Where</dt>
              <dd>
                {output.guildId
                  ? guildName(guilds, output.guildId)
                  : job?.source === 'discord'
                    ? 'Discord (direct message)'
                    : 'Desktop'}
              </dd>
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
          <div className="detail-actions">
            <Button icon={<Copy size={16} />} onClick={() => void copy(output.prompt, 'Prompt')}>
              Copy prompt
            </Button>
            <Button
              icon={<Star size={16} fill={output.favourite ? 'currentColor' : 'none'} />}
              aria-pressed={output.favourite}
              onClick={() => void useGallery.getState().setFavourite(output.id, !output.favourite)}
            >
              Favourite
            </Button>
            {window.comfydesk ? (
              <Button
                icon={<FolderOpen size={16} />}
                onClick={() =>
                  void report(() => api.call('library.reveal', { id: output.id }), 'Shown in your file manager.')
                }
                title={output.filePath}
              >
                Show in folder
              </Button>
            ) : (
              <Button
                icon={<Copy size={16} />}
                onClick={() => void copy(output.filePath, 'File path')}
                title={output.filePath}
              >
                Copy file location
              </Button>
            )}
            {!window.comfydesk && (
              <a className={buttonClass()} href={mediaUrl('file', output.id)} target="_blank" rel="noreferrer">
                <ExternalLink size={16} aria-hidden="true" />
                Open full size
              </a>
            )}
            <Button
              icon={<RotateCw size={16} />}
              onClick={() =>
                void report(() => api.call('jobs.rerun', { id: output.jobId }), 'Queued again as your job.')
              }
            >
              Rerun here
            </Button>
            {(output.userId !== 'desktop' || output.kind === 'image') && (
              <DropdownMenu
                label="More actions"
                trigger={<Button icon={<MoreHorizontal size={16} />}>More</Button>}
                items={[
                  ...(output.userId !== 'desktop'
                    ? [
                        {
                          label: `Rerun as ${userName}`,
                          icon: <RotateCw size={16} />,
                          onSelect: () =>
                            void report(
                              () => api.call('jobs.rerun', { id: output.jobId, asOriginalUser: true }),
                              'Queued again for its original user.',
                            ),
                        },
                      ]
                    : []),
                  ...(output.kind === 'image'
                    ? USE_AS.filter((u) => workflows.some((w) => w.manifest.kind === u.kind)).map((u) => ({
                        label: `${u.label} in Generate`,
                        icon: <Wand2 size={16} />,
                        onSelect: () => useAs(u.kind),
                      }))
                    : []),
                ]}
              />
            )}
            <Button
              variant="danger-ghost"
              icon={<Trash2 size={16} />}
              onClick={() => setConfirm(true)}
              data-testid="detail-delete"
            >
              Delete
            </Button>
          </div>
          <p className="muted small">
            <kbd>←</kbd> <kbd>→</kbd> previous / next · <kbd>Esc</kbd> closes
          </p>
        </aside>
      </div>
      {confirm && <DeleteOutputDialog id={output.id} onClose={() => setConfirm(false)} />}
    </Dialog>
  );
}
