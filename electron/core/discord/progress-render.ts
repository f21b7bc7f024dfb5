/** A job's progress message (embed + Cancel button) for a progress state. */
import type { JobProgressView } from '@shared/api/jobs';
import { progressButtons, progressEmbed } from '@shared/embeds';
import type { Job } from '@shared/jobs';
import type { EditPayload } from './progress';
import { toApiEmbed, toApiRows } from './render';

export function renderProgressPayload(
  job: Job | undefined,
  workflowTitle: string,
  view: JobProgressView | null,
  previewUrl: string | null,
): Omit<EditPayload, 'preview'> {
  if (!job) return { embeds: [], components: [] };
  const embed = progressEmbed({ job, progress: view, workflowTitle, who: `<@${job.userId}>`, previewUrl });
  return { embeds: [toApiEmbed(embed)], components: toApiRows(progressButtons(job.id)) };
}
