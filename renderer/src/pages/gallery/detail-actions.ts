/**
 * What can be done with one output, shared by the details panel and the lightbox: rerun (a new seed, or the same
 * one on purpose), vary it in Generate, use it as the input of an edit/upscale/animate workflow, copy, save.
 */
import type { Job } from '@shared/jobs';
import type { Output } from '@shared/library';
import type { WorkflowEntry } from '@shared/api/templates';
import type { WorkflowKind } from '@shared/workflow-manifest';
import { api } from '../../api/client';
import { mediaUrl } from '../../api/media';
import { copyText } from '../../lib/clipboard';
import { fileName } from '../../lib/file-names';
import { formValues, formSpecs } from '../../lib/param-form';
import { useGallery } from '../../stores/gallery-store';
import { useGenerate } from '../../stores/generate-store';
import { useNav } from '../../stores/nav-store';
import { report, toast } from '../../stores/toast-store';

export const USE_AS: Array<{ kind: WorkflowKind; label: string }> = [
  { kind: 'edit', label: 'Edit' },
  { kind: 'upscale', label: 'Upscale' },
  { kind: 'img2video', label: 'Animate' },
];

export async function copy(text: string, what: string): Promise<void> {
  await report(() => copyText(text), `${what} copied.`);
}

/** Queue the job again as the desktop user: a new random seed unless `sameSeed`. */
export async function rerun(output: Output, options: { sameSeed?: boolean; asOriginalUser?: boolean } = {}) {
  await report(
    () =>
      api.call('jobs.rerun', {
        id: output.jobId,
        ...(options.sameSeed ? {} : { seed: -1 }),
        ...(options.asOriginalUser ? { asOriginalUser: true } : {}),
      }),
    (job) =>
      `Queued as job #${job.number}${options.sameSeed ? ' with the same seed' : ' with a new seed'}${options.asOriginalUser ? ' for its original user' : ''}.`,
  );
}

function leaveForGenerate(): void {
  useGallery.getState().view(null);
  useGallery.getState().open(null);
  useNav.getState().go('generate');
}

/**
 * Vary: Generate opens with this output's workflow, prompt and settings, and an empty seed (a new picture), ready
 * to change one thing and go.
 */
export function vary(output: Output, job: Job | null, workflows: readonly WorkflowEntry[]): void {
  const manifest = workflows.find((w) => w.manifest.id === output.workflow)?.manifest ?? null;
  if (!manifest) return toast.error(`The workflow “${output.workflow}” is not installed any more.`);
  const params = { ...(job?.params ?? {}) };
  delete params.seed;
  useGenerate.getState().prefill({
    workflow: manifest.id,
    prompt: output.prompt,
    negative: output.negative,
    values: formValues(formSpecs(manifest), params),
  });
  leaveForGenerate();
}

/** Generate with this image as the input of the first workflow of `kind`. */
export function useAsInput(output: Output, kind: WorkflowKind, workflows: readonly WorkflowEntry[]): void {
  const wf = workflows.find((w) => w.manifest.kind === kind);
  if (!wf) return toast.error(`No ${kind} workflow is installed.`);
  useGenerate.getState().prefill({
    workflow: wf.manifest.id,
    prompt: kind === 'upscale' ? output.prompt : '',
    images: [{ slot: 0, path: output.filePath, filename: fileName(output), previewUrl: mediaUrl('file', output.id) }],
  });
  leaveForGenerate();
}
