/**
 * From a request to a stored job: the workflow and images checked, parameters resolved (prepare.ts), the limits
 * applied (limits.ts), the user remembered by name, and the job stored as queued before anything is sent.
 */
import type { JobSubmitInput } from '@shared/api/jobs';
import type { Job } from '@shared/jobs';
import type { Store } from '../store';
import type { WorkflowRegistry } from '@core/workflows/registry';
import type { InputStore } from './inputs';
import { checkLimits, DESKTOP_USER, isDesktopOwner } from './limits';
import { findWorkflow, prepareRequest } from './prepare';

export type SubmitRequest = Required<Pick<JobSubmitInput, 'workflow'>> & Omit<JobSubmitInput, 'workflow'>;
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
}

/** Check and store a request as a queued job. Throws ApiError (bad_request, limit) with a readable message. */
export function storeNewJob(deps: RequestDeps, raw: SubmitRequest): Job {
  const input = {
    prompt: '',
    negative: '',
    params: {},
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
  const prepared = prepareRequest(
    workflow,
    { prompt: input.prompt, negative: input.negative, params: input.params, imageSlots: inputs.map((i) => i.slot) },
    deps.random,
  );
  const { store } = deps;
  const settings = store.settings.get();
  checkLimits(store.jobs, settings.queue, input);
  const user = store.users.get(input.userId);
  if (!user || (input.userName && input.userName !== user.name)) {
    store.users.upsert(
      input.userId,
      input.userName ?? (isDesktopOwner(input.source, input.userId) ? DESKTOP_USER.name : input.userId),
    );
  }
  return store.jobs.create({
    id: deps.newId(),
    source: input.source,
    userId: input.userId,
    guildId: input.guildId,
    channelId: input.channelId,
    workflow: workflow.manifest.id,
    params: prepared.params,
    inputs,
    prompt: prepared.prompt,
    negative: prepared.negative,
    delivery: input.delivery ?? user?.defaultDelivery ?? settings.defaults.delivery,
    parentJobId: input.parentJobId,
  });
}

/** The request that runs `original` again (new seed when asked), as the desktop user unless asked otherwise. */
export function rerunRequest(original: Job, input: RerunRequest): SubmitRequest {
  const params: Record<string, unknown> = { ...original.params };
  if (input.seed !== undefined) params.seed = input.seed;
  const keepUser = input.asOriginalUser;
  return {
    workflow: original.workflow,
    prompt: original.prompt,
    negative: original.negative,
    params,
    inputs: original.inputs,
    source: keepUser ? original.source : 'desktop',
    userId: keepUser ? original.userId : DESKTOP_USER.id,
    guildId: keepUser ? original.guildId : null,
    channelId: keepUser ? original.channelId : null,
    ...(input.delivery ? { delivery: input.delivery } : keepUser ? { delivery: original.delivery } : {}),
    parentJobId: original.id,
  };
}
