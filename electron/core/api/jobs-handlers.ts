/**
 * jobs.* and queue.pause for every client. The person behind the call (ctx.person) decides what they may do:
 * the owner everything; a Discord user their own jobs (and, as a server admin, their server's), with admission
 * (level, prompt rules, queue and rate limits) checked here once.
 */
import { refusal } from '@shared/api';
import type { JobSubmitInputSchema } from '@shared/api/jobs';
import type { Job } from '@shared/jobs';
import { parseJobNumber } from '@shared/format';
import { deniedMessage } from '@shared/permissions';
import type { z } from 'zod';
import { canLookUpJob, canManageJob, canSeeJob, isOwnerSide, requireLevel, type Person } from '@core/access/person';
import type { SlidingWindowLimiter } from '@core/access/rate-limit';
import { checkPerson, checkRate, checkSharing, perUserLimitOf, type SharingDeps } from '@core/jobs/admission';
import { heldRoles, shareWeightOf } from '@shared/sharing';
import type { JobEngine } from '@core/jobs/engine';
import type { InputStore } from '@core/jobs/inputs';
import { rerunRequest, type SubmitRequest } from '@core/jobs/requests';
import type { Store } from '@core/store';
import type { Handlers } from './dispatch';

type JobMethods =
  | 'jobs.submit'
  | 'jobs.admit'
  | 'jobs.get'
  | 'jobs.find'
  | 'jobs.list'
  | 'jobs.queue'
  | 'jobs.cancel'
  | 'jobs.clearUser'
  | 'jobs.rerun'
  | 'jobs.uploadInput'
  | 'queue.pause';

export interface JobsHandlerDeps {
  engine: JobEngine;
  store: Store;
  inputs: InputStore;
  /** Discord users' sliding-window rate limits. */
  limiter: SlidingWindowLimiter;
  /** Blocks, channel rules and quotas (admission.ts). */
  sharing: SharingDeps;
}

/** What a person asks for, with who asks and what applies to them. */
export function requestOf(
  person: Person,
  input: Omit<z.output<typeof JobSubmitInputSchema>, 'inputs' | 'parentJobId'> &
    Partial<Pick<SubmitRequest, 'inputs' | 'parentJobId'>>,
  store: Store,
): SubmitRequest {
  return {
    ...input,
    source: person.source,
    userId: person.userId,
    userName: person.userName,
    guildId: person.guildId,
    channelId: person.channelId,
    perUserLimit: perUserLimitOf(person, store.settings.get().queue),
    defaultDelivery: person.guild?.settings.defaultDelivery ?? null,
    shareWeight: person.guild
      ? shareWeightOf(person.guild.settings.shares, heldRoles(person.guild.id, person.roleIds))
      : 1,
  };
}

const notFound = (id: string) =>
  refusal(
    'not_found',
    'Unknown job',
    `No job "${id.slice(0, 40)}" that you can see.`,
    'See /history list for your jobs.',
  );

/** Others' jobs as a Discord user may see them in the queue: that they exist, not what they ask for. */
function redacted(job: Job, person: Person): Job {
  if (isOwnerSide(person) || canManageJob(person, job) || job.userId === person.userId) return job;
  return { ...job, prompt: '', negative: '', params: {}, lora: null, inputs: [], messages: {} };
}

export function jobsHandlers(deps: JobsHandlerDeps): Pick<Handlers, JobMethods> {
  const { engine, store, limiter } = deps;
  const visible = (id: string, person: Person): Job => {
    const job = store.jobs.get(id);
    if (!job || !canSeeJob(person, job)) throw notFound(id);
    return job;
  };
  return {
    'jobs.admit': async (input, { person }) => {
      checkPerson(person, input);
      checkSharing(deps.sharing, person, input);
      const { images, ...rest } = input;
      await engine.check({ ...requestOf(person, rest, store), inputs: [] }, images);
      checkRate(limiter, person, 'peek');
      return { ok: true as const };
    },
    'jobs.submit': async (input, { person }) => {
      checkPerson(person, input);
      checkSharing(deps.sharing, person, input);
      checkRate(limiter, person, 'peek');
      const job = await engine.submitRunnable(requestOf(person, input, store));
      checkRate(limiter, person, 'take');
      return job;
    },
    'jobs.get': ({ id }, { person }) => visible(id, person),
    'jobs.find': ({ query }, { person }) => {
      const number = parseJobNumber(query);
      if (number !== null) {
        const job = store.jobs.byNumber(number);
        if (job && canLookUpJob(person, job)) return job;
        if (query.trim().startsWith('#')) throw notFound(query.trim());
      }
      const id = query.trim();
      if (!/^[A-Za-z0-9-]{4,64}$/.test(id)) {
        throw refusal(
          'not_found',
          'Unknown job',
          `"${id.slice(0, 40)}" is not a job id.`,
          'Pick one from the list while you type, or see /history list.',
        );
      }
      const exact = store.jobs.get(id);
      if (exact && canLookUpJob(person, exact)) return exact;
      const pool = isOwnerSide(person)
        ? store.jobs.list({ limit: 500 })
        : person.level === 'admin' && person.guildId
          ? store.jobs.list({ guildId: person.guildId, limit: 500 })
          : store.jobs.byUser(person.userId, { limit: 500 });
      const matches = pool.filter((j) => j.id.startsWith(id) && canLookUpJob(person, j));
      if (matches.length === 1) return matches[0]!;
      if (matches.length > 1)
        throw refusal(
          'not_found',
          'Ambiguous id',
          `${matches.length} of your jobs start with "${id}".`,
          'Type more of the id.',
        );
      throw notFound(id);
    },
    'jobs.list': (input, { person }) => {
      if (isOwnerSide(person)) return store.jobs.list(input);
      const guildWide = person.level === 'admin' && person.guildId !== null && input.guildId === person.guildId;
      return store.jobs.list(guildWide ? { ...input, userId: input.userId } : { ...input, userId: person.userId });
    },
    'jobs.queue': ({ limit }, { person }) => {
      if (isOwnerSide(person)) return engine.snapshot({ limit });
      const snapshot = engine.snapshot({ limit, include: (job) => job.userId === person.userId });
      return {
        ...snapshot,
        active: snapshot.active.map((a) => ({ ...a, job: redacted(a.job, person) })),
        recent: snapshot.recent.filter((j) => j.userId === person.userId),
      };
    },
    'jobs.cancel': ({ id }, { person }) => {
      const job = visible(id, person);
      if (!canManageJob(person, job)) {
        const own = job.userId === person.userId;
        throw refusal(
          'forbidden',
          'Not allowed',
          own ? deniedMessage('generator', 'cancel jobs') : deniedMessage('admin', 'cancel other people’s jobs'),
        );
      }
      return engine.cancel(id);
    },
    'jobs.clearUser': ({ userId }, { person }) => {
      if (!isOwnerSide(person)) {
        if (userId !== person.userId) throw refusal('forbidden', 'Not allowed', 'You can only clear your own queue.');
        requireLevel(person, 'generator', 'clear your queue');
      }
      return { cancelled: engine.clearUser(userId) };
    },
    'jobs.rerun': async (input, { person }) => {
      if (isOwnerSide(person)) return engine.submitRunnable(rerunRequest(engine.get(input.id), input));
      // A Discord user reruns (or varies, with seed -1) a job they can see, as their own new job.
      const original = visible(input.id, person);
      const again = rerunRequest(original, { ...input, asOriginalUser: false });
      const texts = { prompt: original.prompt, negative: original.negative };
      checkPerson(person, texts);
      checkSharing(deps.sharing, person, { ...texts, workflow: original.workflow });
      checkRate(limiter, person, 'peek');
      const job = engine.submit({
        ...requestOf(
          person,
          {
            ...texts,
            workflow: original.workflow,
            params: again.params ?? {},
            lora: original.lora,
            models: original.models,
          },
          store,
        ),
        inputs: original.inputs,
        parentJobId: original.id,
        ...(input.delivery
          ? { delivery: input.delivery }
          : original.userId === person.userId
            ? { delivery: original.delivery }
            : {}),
      });
      checkRate(limiter, person, 'take');
      return job;
    },
    'jobs.uploadInput': ({ filename, dataBase64 }, { person }) => {
      requireLevel(person, 'generator', 'start jobs');
      return deps.inputs.saveBase64(filename, dataBase64);
    },
    'queue.pause': ({ paused }) => ({ paused: engine.setPaused(paused) }),
  };
}
