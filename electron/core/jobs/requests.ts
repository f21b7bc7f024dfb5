/**
 * From a request to a stored job: the workflow and images checked, the parameters resolved once (values, seeds,
 * LoRA, model files: workflows/resolve.ts), the queue limits applied (admission.ts), the person remembered by
 * name, and the job stored as queued before anything is sent.
 */
import type { z } from 'zod';
import type { JobSubmitInputSchema } from '@shared/api/jobs';
import type { Job, JobSource } from '@shared/jobs';
import type { Delivery } from '@shared/settings';
import type { Store } from '@core/store';
import type { NewJob } from '@core/store/jobs-repo';
import { resolveParams } from '@core/workflows/resolve';
import type { ManifestParameter } from '@shared/workflow-manifest';
import type { WorkflowRegistry } from '@core/workflows/registry';
import type { InputStore } from './inputs';
import { checkLimits, DESKTOP_USER, isDesktopOwner } from './admission';
import { findWorkflow } from './prepare';

type SubmitInput = z.input<typeof JobSubmitInputSchema>;

/** A request as the engine takes it: what was asked, and who asks (filled in by the API from the caller). */
export type SubmitRequest = Required<Pick<SubmitInput, 'workflow'>> &
  Omit<SubmitInput, 'workflow'> & {
    source?: JobSource;
    userId?: string;
    userName?: string | undefined;
    guildId?: string | null;
    channelId?: string | null;
    /** The per-user queue limit of the asker's server; the settings' limit when absent. */
    perUserLimit?: number | null | undefined;
    /** Where the result goes when the request says nothing: the asker's own default, else their server's. */
    defaultDelivery?: Delivery | null | undefined;
    /** The asker's share of the GPU (their server roles' weight); 1 when absent. */
    shareWeight?: number | undefined;
  };

export interface RerunRequest {
  id: string;
  asOriginalUser: boolean;
  seed?: number | undefined;
  delivery?: Job['delivery'] | undefined;
}

export interface RequestDeps {
  workflows: WorkflowRegistry;
  inputs: InputStore;
  store: Store;
  random: () => number;
  newId: () => string;
  /** Narrower seed ranges from the backends' /object_info, when known. */
  seedLimits?: (
    workflow: string,
    spec: ManifestParameter,
  ) => { min?: number | undefined; max?: number | undefined } | null;
}

/** Check and store a request as a queued job. Throws ApiError (bad_request, limit) with a readable message. */
export function storeNewJob(deps: RequestDeps, raw: SubmitRequest): Job {
  return storePrepared(deps.store, prepareNewJob(deps, raw), raw.userName);
}

/** Store a job `prepareNewJob` checked (and remember its person by name). */
export function storePrepared(store: Store, prepared: { job: NewJob; userName: string }, givenName?: string): Job {
  const { job, userName } = prepared;
  const user = store.users.get(job.userId);
  if (!user || (givenName && givenName !== user.name)) store.users.upsert(job.userId, userName);
  return store.jobs.create(job);
}

/**
 * Everything `storeNewJob` checks, without storing: the workflow, the image paths, the parameters (resolved),
 * the queue limits. `imageCount` stands for images not given yet (a Discord attachment not downloaded yet).
 */
export function prepareNewJob(
  deps: RequestDeps,
  raw: SubmitRequest,
  imageCount?: number,
): { job: NewJob; userName: string } {
  const input = {
    prompt: '',
    negative: '',
    params: {},
    models: {},
    inputs: [],
    source: 'desktop' as const,
    userId: DESKTOP_USER.id,
    guildId: null,
    channelId: null,
    parentJobId: null,
    ...raw,
  };
  const workflow = findWorkflow(deps.workflows, input.workflow);
  const inputs = input.inputs.map((i) => ({ ...i, path: deps.inputs.check(i.path) }));
  const { store } = deps;
  const settings = store.settings.get();
  const resolved = resolveParams(
    workflow.manifest,
    {
      prompt: input.prompt,
      negative: input.negative,
      params: input.params,
      lora: input.lora,
      models: input.models,
      imageSlots:
        imageCount === undefined ? inputs.map((i) => i.slot) : Array.from({ length: imageCount }, (_, i) => i),
    },
    {
      random: deps.random,
      remembered: settings.models,
      ...(deps.seedLimits
        ? { seedLimits: (spec: ManifestParameter) => deps.seedLimits!(workflow.manifest.id, spec) }
        : {}),
    },
  );
  checkLimits(store.jobs, settings.queue, input);
  const user = store.users.get(input.userId);
  const userName =
    input.userName ?? user?.name ?? (isDesktopOwner(input.source, input.userId) ? DESKTOP_USER.name : input.userId);
  const job: NewJob = {
    id: deps.newId(),
    source: input.source,
    userId: input.userId,
    guildId: input.guildId,
    channelId: input.channelId,
    workflow: workflow.manifest.id,
    params: resolved.params,
    lora: resolved.lora,
    models: resolved.models,
    inputs,
    prompt: resolved.prompt,
    negative: resolved.negative,
    delivery: input.delivery ?? user?.defaultDelivery ?? input.defaultDelivery ?? settings.defaults.delivery,
    parentJobId: input.parentJobId,
    shareWeight: input.shareWeight ?? 1,
  };
  return { job, userName };
}

/**
 * The request that runs `original` again: same workflow, prompt, values, LoRA, models and images; a new seed when
 * asked (-1 = random). As the desktop user unless asked to keep the original asker.
 */
export function rerunRequest(original: Job, input: RerunRequest): SubmitRequest {
  const params: Record<string, unknown> = { ...original.params };
  if (input.seed !== undefined) params.seed = input.seed;
  const keepUser = input.asOriginalUser;
  return {
    workflow: original.workflow,
    prompt: original.prompt,
    negative: original.negative,
    params,
    lora: original.lora,
    models: original.models,
    inputs: original.inputs,
    source: keepUser ? original.source : 'desktop',
    userId: keepUser ? original.userId : DESKTOP_USER.id,
    guildId: keepUser ? original.guildId : null,
    channelId: keepUser ? original.channelId : null,
    ...(input.delivery ? { delivery: input.delivery } : keepUser ? { delivery: original.delivery } : {}),
    ...(keepUser ? { shareWeight: original.shareWeight } : {}),
    parentJobId: original.id,
  };
}
