/**
 * Autocomplete sources: workflows of a kind, templates the user may load, model files (LoRAs), the user's jobs.
 * Each filters the WHOLE list by what was typed, then shows the best 25 (Discord's cap), so every item can be
 * found. Lists come from the core, asked for the user.
 */
import type { ApplicationCommandOptionChoiceData } from 'discord.js';
import { ACTIVE_STATUSES } from '@shared/jobs';
import { jobLabel, oneLine } from '@shared/format';
import type { WorkflowKind, WorkflowManifest } from '@shared/workflow-manifest';
import type { BotServices, Caller } from './context';
import { filterChoices } from './options';

const choice = (name: string, value: string): ApplicationCommandOptionChoiceData => ({
  name: name.slice(0, 100) || value.slice(0, 100),
  value: value.slice(0, 100),
});

/** Workflows of a kind; one that cannot run on the ComfyUIs now says so in its name (e.g. a model file missing). */
export async function workflowChoices(
  ctx: BotServices,
  kind: WorkflowKind,
  query: string,
): Promise<ApplicationCommandOptionChoiceData[]> {
  const list = ctx.catalog.byKind(kind);
  const readiness = await ctx.core.call('workflows.readiness', {}).catch(() => []);
  return filterChoices(list, query, (m) => [m.id, m.title]).map((m) => {
    const r = readiness.find((x) => x.id === m.id);
    const why = r && r.state !== 'ready' ? ` — ${r.state === 'never' ? 'cannot run' : 'waits'}: ${r.reason ?? ''}` : '';
    return choice(`${r?.state === 'never' ? '⚠ ' : ''}${m.title} (${m.id})${why}`, m.id);
  });
}

/**
 * The files a workflow's main model (its first model setting: the checkpoint, or the UNet) can be set to: the
 * backends' files of that folder.
 */
export async function mainModelChoices(
  ctx: BotServices,
  caller: Caller,
  workflow: WorkflowManifest | null,
  query: string,
): Promise<ApplicationCommandOptionChoiceData[]> {
  const main = workflow?.models[0];
  if (!main) return [];
  return modelChoices(ctx, caller, main.folder, query);
}

export async function templateChoices(
  ctx: BotServices,
  caller: Caller,
  query: string,
): Promise<ApplicationCommandOptionChoiceData[]> {
  const list = await ctx.core.forUser(caller.actor).call('templates.list', {});
  return filterChoices(list, query, (t) => [t.name]).map((t) =>
    choice(t.ownerId === caller.userId ? t.name : `${t.name} (shared)`, t.name),
  );
}

export async function modelChoices(
  ctx: BotServices,
  caller: Caller,
  folder: string,
  query: string,
): Promise<ApplicationCommandOptionChoiceData[]> {
  const { files } = await ctx.core.forUser(caller.actor).call('models.list', { folder });
  return filterChoices(files, query, (f) => [f, f.split(/[\\/]/).pop() ?? f]).map((f) => choice(f, f));
}

export async function jobChoices(
  ctx: BotServices,
  caller: Caller,
  query: string,
  activeOnly: boolean,
): Promise<ApplicationCommandOptionChoiceData[]> {
  const jobs = await ctx.core
    .forUser(caller.actor)
    .call('jobs.list', activeOnly ? { statuses: [...ACTIVE_STATUSES], limit: 200 } : { limit: 200 });
  return filterChoices(jobs, query, (j) => [jobLabel(j), String(j.number), j.id, j.prompt]).map((j) =>
    choice(`${jobLabel(j)} · ${j.status} · ${oneLine(j.prompt, 70)}`, j.id),
  );
}
