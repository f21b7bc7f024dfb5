/**
 * discord.* methods: the bot's own bookkeeping (servers joined and left, a job's message ids, result deliveries
 * to retry) and `discord.whoami` for the Discord user a command acts for.
 */
import { refusal } from '@shared/api';
import { ENDED_STATUSES, type Job } from '@shared/jobs';
import { perUserLimitOf } from '@core/jobs/admission';
import type { EventBus } from '../events';
import type { Store } from '../store';
import { MAX_DELIVERY_ATTEMPTS } from '@core/store/outbox-repo';
import type { Handlers } from './dispatch';

type DiscordMethods =
  | 'discord.whoami'
  | 'discord.guildSeen'
  | 'discord.guildLeft'
  | 'discord.setJobMessages'
  | 'discord.delivered'
  | 'discord.deliveryFailed'
  | 'discord.pendingDeliveries'
  | 'discord.guild';

export function discordHandlers(deps: {
  store: Store;
  events: EventBus;
  botChanged(): void;
}): Pick<Handlers, DiscordMethods> {
  const { store } = deps;
  const job = (id: string): Job => {
    const found = store.jobs.get(id);
    if (!found) throw refusal('not_found', 'Unknown job', `There is no job ${id.slice(0, 40)}.`);
    return found;
  };
  return {
    'discord.whoami': (_input, { person }) => {
      const settings = store.settings.get();
      return {
        userId: person.userId,
        level: person.level,
        guild: person.guild,
        roles: person.guildId ? store.guilds.roles(person.guildId) : [],
        perUserQueue: perUserLimitOf(person, settings.queue) ?? settings.queue.perUserLimit,
        delivery:
          store.users.get(person.userId)?.defaultDelivery ??
          person.guild?.settings.defaultDelivery ??
          settings.defaults.delivery,
      };
    },
    'discord.guildSeen': ({ id, name, joinedAt }) => {
      const guild = store.guilds.joined(id, name, joinedAt);
      deps.botChanged();
      return guild;
    },
    'discord.guildLeft': ({ id }) => {
      store.guilds.left(id);
      deps.botChanged();
      return { ok: true as const };
    },
    'discord.setJobMessages': ({ jobId, messages }) => {
      const current = job(jobId);
      store.jobs.setMessages(jobId, { ...current.messages, ...messages });
      return job(jobId);
    },
    'discord.delivered': ({ jobId, messageId }) => {
      store.db.transaction(() => {
        const current = job(jobId);
        store.jobs.setMessages(jobId, { ...current.messages, results: [messageId] });
        store.outbox.remove(jobId);
      })();
      return job(jobId);
    },
    'discord.deliveryFailed': ({ jobId, error }) => {
      job(jobId);
      const entry = store.outbox.failed(jobId, error);
      return { attempts: entry.attempts, givenUp: entry.attempts >= MAX_DELIVERY_ATTEMPTS };
    },
    'discord.pendingDeliveries': () =>
      store.outbox.pending().flatMap((entry) => {
        const found = store.jobs.get(entry.jobId);
        if (!found || !ENDED_STATUSES.includes(found.status) || found.messages.results?.length) {
          store.outbox.remove(entry.jobId);
          return [];
        }
        return [found];
      }),
    'discord.guild': ({ id }) => store.guilds.get(id),
  };
}
