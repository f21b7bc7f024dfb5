/** A job's progress message (embed + Cancel button) for a progress state. */
import type { JobProgressView } from '@shared/api/jobs';
import { progressButtons, progressEmbed } from '@shared/embeds';
import type { Store } from '../store';
import type { WorkflowRegistry } from '@core/workflows/registry';
import type { EditPayload } from './progress';
import { toApiEmbed, toApiRows } from './render';

export function renderProgressPayload(
  store: Store,
  workflows: WorkflowRegistry,
  jobId: string,
  view: JobProgressView | null,
  previewUrl: string | null,
): Omit<EditPayload, 'preview'> {
  const job = store.jobs.get(jobId);
  if (!job) return { embeds: [], components: [] };
  const embed = progressEmbed({
    job,
    progress: view,
    workflowTitle: workflows.get(job.workflow)?.manifest.title ?? job.workflow,
    who: `<@${job.userId}>`,
    previewUrl,
  });
  return { embeds: [toApiEmbed(embed)], components: toApiRows(progressButtons(job.id)) };
}
