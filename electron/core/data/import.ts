/**
 * Importing a settings export: parsed and checked with zod (format, version, every part), each workflow checked
 * against its manifest like a dropped one, templates checked to name known owners and servers. The preview says
 * what would change; applying writes the workflows, then settings, servers, role maps, owners and templates in
 * one transaction.
 */
import { refusal } from '@shared/api';
import type { ImportPreview } from '@shared/api/data';
import { EXPORT_FORMAT, EXPORT_VERSION, ExportFileSchema, type ExportFile } from '@shared/data-export';
import type { RoleLevel } from '@shared/guilds';
import type { Template } from '@shared/templates';
import type { Store } from '@core/store';
import { commitImport } from '@core/workflows/import';
import { parseWorkflowPair, type WorkflowRegistry } from '@core/workflows/registry';
import { collectExport } from './export';

type ImportStore = Pick<Store, 'db' | 'settings' | 'templates' | 'users' | 'guilds'>;
const LEVELS: readonly RoleLevel[] = ['user', 'generator', 'admin'];

const refuse = (message: string, hint = 'Choose a file made by "Export settings" in ComfyDesk.') =>
  refusal('bad_request', 'Cannot import this file', message, hint);

/** Parse and check an export file's text; throws a refusal that says what is wrong. */
export function parseExport(content: string, workflows: Pick<WorkflowRegistry, 'get'>): ExportFile {
  let value: unknown;
  try {
    value = JSON.parse(content.replace(/^\uFEFF/, ''));
  } catch {
    throw refuse('The file is not JSON.');
  }
  const head = value as { format?: unknown; version?: unknown } | null;
  if (typeof head !== 'object' || head === null || head.format !== EXPORT_FORMAT)
    throw refuse('This is not a ComfyDesk settings export.');
  if (typeof head.version === 'number' && head.version > EXPORT_VERSION)
    throw refuse(
      `The file was made by a newer ComfyDesk (export version ${head.version}; this one reads version ${EXPORT_VERSION}).`,
      'Update ComfyDesk, then import it again.',
    );
  const parsed = ExportFileSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`);
    throw refuse(`The export is not valid: ${issues.join('; ')}.`);
  }
  const file = parsed.data;
  for (const [i, wf] of file.workflows.entries()) {
    const pair = parseWorkflowPair(wf.manifest, wf.workflow);
    if (!pair.ok) throw refuse(`Workflow ${i + 1} is not valid: ${pair.details.slice(0, 3).join('; ')}.`);
    if (workflows.get(pair.manifest.id)?.source === 'bundled')
      throw refuse(`Workflow '${pair.manifest.id}' has the id of a workflow that comes with ComfyDesk.`);
  }
  return file;
}

const key = (t: { ownerId: string; guildId: string | null; name: string }) =>
  `${t.ownerId}\u0000${t.guildId ?? ''}\u0000${t.name}`;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Dotted paths of the leaves that differ between two settings objects. */
function settingChanges(before: unknown, after: unknown, path = ''): ImportPreview['settings'] {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(before) && isObject(after) && path.split('.').length < 3) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => settingChanges(before[k], after[k], path ? `${path}.${k}` : k));
  }
  return same(before, after) ? [] : [{ path, from: before ?? null, to: after ?? null }];
}

/** What importing `file` would change, compared with what this ComfyDesk has now. */
export function previewImport(
  file: ExportFile,
  store: ImportStore,
  workflows: Pick<WorkflowRegistry, 'list' | 'get' | 'has'>,
): ImportPreview {
  const now = collectExport({ store, workflows, now: () => 0, appVersion: '' });
  const templatesNow = new Map(now.templates.map((t) => [key(t), t]));
  const templates = { added: [] as string[], changed: [] as string[], unchanged: 0 };
  for (const t of file.templates) {
    const current = templatesNow.get(key(t));
    const content = (x: typeof t) => [x.shared, x.prompt, x.negative, x.params, x.workflow, x.models, x.lora];
    if (!current) templates.added.push(t.name);
    else if (!same(content(current), content(t))) templates.changed.push(t.name);
    else templates.unchanged++;
  }
  const workflowsNow = new Map(now.workflows.map((w) => [String(w.manifest.id), w]));
  const wfs = { added: [] as string[], changed: [] as string[], unchanged: 0 };
  for (const w of file.workflows) {
    const id = String(w.manifest.id);
    const current = workflowsNow.get(id);
    const pair = parseWorkflowPair(w.manifest, w.workflow);
    const normal = pair.ok ? { manifest: pair.manifest, workflow: pair.workflow } : w;
    if (!current) wfs.added.push(id);
    else if (!same(current, normal)) wfs.changed.push(id);
    else wfs.unchanged++;
  }
  const guildsNow = new Map(now.guilds.map((g) => [g.id, g]));
  const guilds = { added: [] as string[], changed: [] as string[], unchanged: 0 };
  for (const g of file.guilds) {
    const current = guildsNow.get(g.id);
    const sorted = (x: typeof g) => ({ ...x, roles: [...x.roles].sort((a, b) => a.roleId.localeCompare(b.roleId)) });
    if (!current) guilds.added.push(g.name);
    else if (!same(sorted(current), sorted(g))) guilds.changed.push(g.name);
    else guilds.unchanged++;
  }
  const warnings: string[] = [];
  const coming = new Set(file.workflows.map((w) => String(w.manifest.id)));
  for (const t of file.templates) {
    if (!workflows.has(t.workflow) && !coming.has(t.workflow))
      warnings.push(`Template "${t.name}" uses the workflow '${t.workflow}', which this ComfyDesk does not have.`);
  }
  // Owners and servers a template names must be in the file or here already.
  const owners = new Set([
    ...file.users.map((u) => u.id),
    ...store.users.list(file.templates.map((t) => t.ownerId)).map((u) => u.id),
  ]);
  const servers = new Set([...file.guilds.map((g) => g.id), ...store.guilds.list().map((g) => g.id)]);
  for (const t of file.templates) {
    if (!owners.has(t.ownerId))
      throw refuse(`Template "${t.name}" belongs to ${t.ownerId}, whom the file does not describe.`);
    if (t.guildId !== null && !servers.has(t.guildId))
      throw refuse(`Template "${t.name}" belongs to the server ${t.guildId}, which the file does not describe.`);
  }
  const sorted = (c: typeof templates) => ({
    ...c,
    added: c.added.sort((a, b) => a.localeCompare(b)),
    changed: c.changed.sort((a, b) => a.localeCompare(b)),
  });
  return {
    exportedAt: file.exportedAt,
    appVersion: file.appVersion,
    settings: settingChanges(store.settings.get(), file.settings),
    templates: sorted(templates),
    workflows: sorted(wfs),
    guilds: sorted(guilds),
    warnings,
  };
}

/** Write the import: workflows first (files), then everything in the database in one transaction. */
export async function applyImport(
  file: ExportFile,
  store: ImportStore,
  workflows: WorkflowRegistry,
): Promise<{ workflowIds: string[]; templates: Template[] }> {
  const workflowIds: string[] = [];
  const templates: Template[] = [];
  for (const wf of file.workflows) {
    const result = await commitImport(workflows, wf.manifest, wf.workflow);
    if (!result.ok) throw refuse(`Workflow '${String(wf.manifest.id)}' could not be saved: ${result.error.message}`);
    workflowIds.push(result.workflow.manifest.id);
  }
  store.db.transaction(() => {
    store.settings.replace(file.settings);
    for (const g of file.guilds) {
      const known = store.guilds.get(g.id);
      store.guilds.upsert(g.id, g.name);
      // A server ComfyDesk had not seen: the bot is not in it (yet).
      if (!known) store.guilds.left(g.id);
      store.guilds.setSettings(g.id, g.settings);
      store.guilds.setLimits(g.id, g.limits);
      store.guilds.setBannedWords(g.id, g.bannedWords);
      for (const level of LEVELS)
        store.guilds.setRoles(
          g.id,
          level,
          g.roles.filter((r) => r.level === level).map((r) => r.roleId),
        );
    }
    for (const u of file.users) if (!store.users.get(u.id)) store.users.upsert(u.id, u.name);
    for (const t of file.templates) {
      const saved = store.templates.save(
        {
          ownerId: t.ownerId,
          guildId: t.guildId,
          shared: t.shared,
          name: t.name,
          prompt: t.prompt,
          negative: t.negative,
          params: t.params,
          workflow: t.workflow,
          models: t.models,
          lora: t.lora,
        },
        { createdAt: t.createdAt, updatedAt: t.updatedAt },
      );
      templates.push(saved);
    }
  })();
  return { workflowIds, templates };
}
