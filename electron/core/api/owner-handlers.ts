/**
 * owner.*: the desktop user linked to their own Discord account, and what that account may do from anywhere the
 * bot is. Anyone else asking for an owner action gets the same plain refusal as for a command that does not
 * exist here: nothing says what it is. Every owner action is logged with who and when (`owner.changed` tells the
 * app).
 */
import { refusal, type MethodInput, type MethodName, type MethodOutput } from '@shared/api';
import type { OwnerActInput, OwnerStatus } from '@shared/api/owner';
import { formatDuration } from '@shared/embeds';
import { jobLabel, parseJobNumber } from '@shared/format';
import type { Job } from '@shared/jobs';
import { isOwnerSide, type Person } from '@core/access/person';
import type { LinkCodes } from '@core/access/link-code';
import type { Clock } from '../clock';
import type { EventBus } from '../events';
import type { Store } from '../store';
import type { Handlers } from './dispatch';

type OwnerMethods =
  | 'owner.status'
  | 'owner.linkCode'
  | 'owner.unlink'
  | 'owner.link'
  | 'owner.act'
  | 'owner.overview'
  | 'owner.actions'
  | 'owner.blocks';

export interface OwnerHandlerDeps {
  store: Store;
  events: EventBus;
  clock: Clock;
  codes: LinkCodes;
  /** Call another method as the desktop owner (pause, cancel, restart ComfyUI… keep their own rules). */
  asOwner<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
}

/** The refusal anyone but the owner gets: the same as for something that is not there. */
const notAvailable = () => refusal('forbidden', 'Not available', 'This command is not available.');

function requireOwner(person: Person): void {
  if (!isOwnerSide(person) && !person.linkedOwner) throw notAvailable();
}

export function ownerHandlers(d: OwnerHandlerDeps): Pick<Handlers, OwnerMethods> {
  const { store, clock } = d;
  const status = (): OwnerStatus => ({ linked: store.owner.linked(), codeExpiresAt: d.codes.expiresAt(clock.now()) });
  const log = (person: Person, action: string, target: string | null, detail: string): void => {
    const who = person.kind === 'discord' ? { userId: person.userId, userName: person.userName } : null;
    store.owner.log({
      via: who ? 'discord' : 'desktop',
      userId: who?.userId ?? 'desktop',
      userName: who?.userName ?? 'Desktop',
      action,
      target,
      detail,
    });
    d.events.emit('owner.changed', status());
  };
  const findJob = (query: string): Job => {
    const n = parseJobNumber(query);
    const job = n !== null ? store.jobs.byNumber(n) : store.jobs.get(query.trim());
    if (!job) throw refusal('not_found', 'Unknown job', `There is no job ${query.slice(0, 40)}.`);
    return job;
  };
  const nameOf = (userId: string, given?: string): string => given ?? store.users.get(userId)?.name ?? userId;

  const act = async (input: OwnerActInput, person: Person) => {
    switch (input.action) {
      case 'pause':
      case 'resume': {
        const { paused } = await d.asOwner('queue.pause', { paused: input.action === 'pause' });
        return {
          target: null,
          message: paused ? 'Queue paused: running jobs finish, nothing new starts.' : 'Queue resumed.',
        };
      }
      case 'cancel': {
        const job = findJob(input.job);
        const cancelled = await d.asOwner('jobs.cancel', { id: job.id });
        const who = nameOf(job.userId);
        return { target: jobLabel(job), message: `${jobLabel(job)} of ${who}: ${cancelled.action}.`, cancelled };
      }
      case 'block': {
        const name = nameOf(input.userId, input.userName);
        if (input.userName) store.users.upsert(input.userId, input.userName);
        store.owner.block(input.userId, input.guildId, input.reason, person.userName);
        const waiting = store.jobs
          .byUser(input.userId, { statuses: ['queued'], limit: 10_000 })
          .filter((j) => input.guildId === null || j.guildId === input.guildId);
        for (const job of waiting) await d.asOwner('jobs.cancel', { id: job.id });
        const where =
          input.guildId === null ? 'anywhere' : `in ${store.guilds.get(input.guildId)?.name ?? 'that server'}`;
        const cancelled = waiting.length
          ? ` (${waiting.length} waiting job${waiting.length === 1 ? '' : 's'} cancelled)`
          : '';
        return { target: name, message: `${name} may not generate ${where} now: “${input.reason}”${cancelled}.` };
      }
      case 'unblock': {
        const name = nameOf(input.userId);
        const lifted = store.owner.unblock(input.userId, input.guildId);
        const where =
          input.guildId === null ? 'everywhere' : `in ${store.guilds.get(input.guildId)?.name ?? 'that server'}`;
        return {
          target: name,
          message: lifted ? `${name} may generate ${where} again.` : `${name} was not stopped ${where}.`,
        };
      }
      case 'restartComfy': {
        const launcher = await d.asOwner('comfy.restart', {});
        return { target: null, message: `ComfyUI restarted (${launcher.state}).` };
      }
      case 'freeVram': {
        const { freed } = await d.asOwner('comfy.freeVram', {});
        return {
          target: null,
          message: freed.length
            ? `Models unloaded and memory freed on ${freed.join(', ')}.`
            : 'No ComfyUI was online to free.',
        };
      }
    }
  };

  return {
    'owner.status': () => status(),
    'owner.linkCode': () => {
      const code = d.codes.issue(clock.now());
      d.events.emit('owner.changed', status());
      return code;
    },
    'owner.unlink': (_input, { person }) => {
      const was = store.owner.linked();
      store.owner.unlink();
      if (was) log(person, 'unlink', was.userName, `Unlinked the Discord account ${was.userName}.`);
      return status();
    },
    'owner.link': ({ code }, { person }) => {
      if (person.kind !== 'discord' || !d.codes.take(code, clock.now())) {
        throw refusal('forbidden', 'Not linked', 'That code is not valid (or it expired).');
      }
      store.owner.link(person.userId, person.userName);
      log(person, 'link', person.userName, `Linked the Discord account ${person.userName} as the owner’s.`);
      return { userName: person.userName };
    },
    'owner.act': async (input, { person }) => {
      requireOwner(person);
      const done = await act(input, person);
      log(person, input.action, done.target, done.message);
      return { message: done.message, ...(done.cancelled ? { cancelled: done.cancelled } : {}) };
    },
    'owner.overview': async ({ topic }, { person }) => {
      requireOwner(person);
      const [health, bot, devices] = await Promise.all([
        d.asOwner('health.summary', {}),
        d.asOwner('bot.status', {}),
        d.asOwner('comfy.devices', {}),
      ]);
      const up = bot.onlineSince !== null ? `, online for ${formatDuration(clock.now() - bot.onlineSince)}` : '';
      const detail =
        topic === 'health'
          ? `Health: ComfyUI ${health.comfy.status}, ${health.queue.queued} waiting, ${health.queue.running} running.`
          : `Bot status: ${bot.status}${up}, ${bot.guilds} server${bot.guilds === 1 ? '' : 's'}.`;
      log(person, topic, null, detail);
      return { health, bot, devices };
    },
    'owner.actions': ({ limit }) => store.owner.actions(limit),
    'owner.blocks': () => store.owner.blocks(),
  };
}
