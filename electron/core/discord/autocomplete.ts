/**
 * Autocomplete sources: workflows of a kind, templates the user may load, LoRA files, the user's jobs. Each
 * filters the WHOLE list by what was typed, then shows the best 25 (Discord's cap), so every item can be found.
 */
import type { ApplicationCommandOptionChoiceData } from 'discord.js';
import type { WorkflowKind } from '@shared/workflow-manifest';
import type { BotServices, Caller } from './context';
import { oneLine, shortId } from './format';
import { filterChoices } from './options';

const choice = (name: string, value: string): ApplicationCommandOptionChoiceData => ({
  name: name.slice(0, 100) || value.slice(0, 100),
  value: value.slice(0, 100),
});

export function workflowChoices(
  ctx: BotServices,
  kind: WorkflowKind,
  query: string,
): ApplicationCommandOptionChoiceData[] {
  const list = ctx.workflows.byKind(kind).map((w) => w.manifest);
  return filterChoices(list, query, (m) => [m.id, m.title]).map((m) => choice(`${m.title} (${m.id})`, m.id));
}

export function templateChoices(ctx: BotServices, caller: Caller, query: string): ApplicationCommandOptionChoiceData[] {
  const list = ctx.store.templates.visibleTo(caller.userId, caller.guildId);
  return filterChoices(list, query, (t) => [t.name]).map((t) =>
    choice(t.ownerId === caller.userId ? t.name : `${t.name} (shared)`, t.name),
  );
}

export async function modelChoices(
  ctx: BotServices,
  folder: string,
  query: string,
): Promise<ApplicationCommandOptionChoiceData[]> {
  const files = await ctx.models(folder);
  return filterChoices(files, query, (f) => [f, f.split(/[\\/]/).pop() ?? f]).map((f) => choice(f, f));
}

export function jobChoices(
  ctx: BotServices,
  caller: Caller,
  query: string,
  activeOnly: boolean,
): ApplicationCommandOptionChoiceData[] {
  const jobs = ctx.store.jobs.byUser(
    caller.userId,
    activeOnly ? { statuses: ['queued', 'submitted', 'running', 'collecting'], limit: 200 } : { limit: 200 },
  );
  return filterChoices(jobs, query, (j) => [j.id, j.prompt]).map((j) =>
    choice(`${shortId(j.id)} · ${j.status} · ${oneLine(j.prompt, 70)}`, j.id),
  );
}
