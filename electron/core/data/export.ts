/**
 * The settings export: settings, templates (with their owners), imported workflows, and each Discord server's
 * settings and role map, as one JSON file. Secrets are not part of any of these; as a last guard, an export
 * that would contain the value of a secret is refused.
 */
import { refusal } from '@shared/api';
import { EXPORT_FORMAT, EXPORT_VERSION, type ExportFile } from '@shared/data-export';
import type { SecretName, SecretStore } from '../secrets';
import type { Store } from '@core/store';
import type { WorkflowRegistry } from '@core/workflows/registry';
import { stamp } from './backups';

const SECRETS: readonly SecretName[] = ['discordToken', 'huggingfaceToken', 'civitaiToken'];

export interface ExportDeps {
  store: Pick<Store, 'settings' | 'templates' | 'users' | 'guilds'>;
  workflows: Pick<WorkflowRegistry, 'list'>;
  secrets: SecretStore;
  now: () => number;
  appVersion: string;
}

/** Everything the export holds, as data. */
export function collectExport(deps: Omit<ExportDeps, 'secrets'>): ExportFile {
  const { store } = deps;
  const templates = store.templates.list().map((t) => ({
    ownerId: t.ownerId,
    guildId: t.guildId,
    shared: t.shared,
    name: t.name,
    prompt: t.prompt,
    negative: t.negative,
    params: t.params as ExportFile['templates'][number]['params'],
    workflow: t.workflow,
    models: t.models,
    lora: t.lora,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  }));
  const owners = [...new Set(templates.map((t) => t.ownerId))];
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: deps.now(),
    appVersion: deps.appVersion,
    settings: store.settings.get(),
    users: store.users.list(owners).map((u) => ({ id: u.id, name: u.name })),
    templates,
    workflows: deps.workflows
      .list()
      .filter((w) => w.source === 'imported')
      .map((w) => ({
        manifest: w.manifest as Record<string, unknown>,
        workflow: w.workflow as Record<string, unknown>,
      })),
    guilds: store.guilds.list().map((g) => ({
      id: g.id,
      name: g.name,
      settings: g.settings,
      limits: g.limits,
      bannedWords: g.bannedWords,
      roles: store.guilds.roles(g.id),
    })),
  };
}

/** The export file's text and a name for it; refused if a secret's value would be in it. */
export function buildExport(deps: ExportDeps): {
  fileName: string;
  content: string;
  counts: { templates: number; workflows: number; guilds: number };
} {
  const file = collectExport(deps);
  const content = `${JSON.stringify(file, null, 2)}\n`;
  for (const name of SECRETS) {
    let value: string | null = null;
    try {
      value = deps.secrets.get(name);
    } catch {
      // an unreadable secret cannot be in the export either
    }
    if (value && value.length >= 8 && content.includes(value)) {
      throw refusal(
        'conflict',
        'Export refused',
        `The export would contain the value of a secret (${name}); nothing was written.`,
        'Remove that token from the setting or template that holds it, then export again.',
      );
    }
  }
  return {
    fileName: `comfydesk-settings-${stamp(file.exportedAt)}.json`,
    content,
    counts: { templates: file.templates.length, workflows: file.workflows.length, guilds: file.guilds.length },
  };
}
