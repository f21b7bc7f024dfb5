import type { Job } from '@shared/jobs';

/** A complete Job value for pure-logic tests (queue order, renderer stores): a queued desktop SDXL job by default. */
export function makeJob(id: string, extra: Partial<Job> = {}): Job {
  return {
    id,
    number: 1,
    source: 'desktop',
    userId: 'desktop',
    guildId: null,
    channelId: null,
    workflow: 'sdxl-txt2img',
    params: {},
    lora: null,
    models: {},
    inputs: [],
    prompt: `prompt ${id}`,
    negative: '',
    status: 'queued',
    backendId: null,
    promptId: null,
    progress: 0,
    error: null,
    errorHint: null,
    delivery: 'channel',
    messages: {},
    attempts: 0,
    execMs: null,
    shareWeight: 1,
    priority: 0,
    parentJobId: null,
    createdAt: 1,
    submittedAt: null,
    startedAt: null,
    endedAt: null,
    updatedAt: 1,
    ...extra,
  };
}
