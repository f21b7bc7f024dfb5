import { ApiError, badRequest, refusal } from '@shared/api';
import { DESKTOP_OWNER_ID } from '@shared/api/templates';
import { checkParamValue, type ParamSpec, type ParamValue } from '@shared/params';
import type { Template } from '@shared/templates';
import type { WorkflowManifest } from '@shared/workflow-manifest';
import { isOwnerSide, requireLevel } from '@core/access/person';
import { promptProblem } from '@core/access/prompt-rules';
import type { EventBus } from '../events';
import type { GuildsRepo } from '@core/store/guilds-repo';
import type { TemplatesRepo } from '@core/store/templates-repo';
import type { UsersRepo } from '@core/store/users-repo';
import type { WorkflowRegistry } from '@core/workflows/registry';
import type { Handlers } from './dispatch';

type TemplatesMethods = 'workflows.list' | 'templates.list' | 'templates.save' | 'templates.delete';

/** Prompt texts are template fields of their own, not parameters. */
const TEXT_PARAMS = new Set(['prompt', 'negative']);

function issue(path: string, message: string): ApiError {
  return new ApiError({ code: 'bad_request', message: `${path}: ${message}`, issues: [{ path, message }] });
}

/** Check every given value against the workflow's parameter specs; empty values mean "use the default". */
export function checkTemplateParams(
  specs: readonly ParamSpec[],
  params: Readonly<Record<string, unknown>>,
): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  const byName = new Map(specs.map((s) => [s.name, s]));
  for (const [name, raw] of Object.entries(params)) {
    if (TEXT_PARAMS.has(name) || raw === undefined || raw === null || raw === '') continue;
    const spec = byName.get(name);
    if (!spec) {
      const known = specs.map((s) => s.name).filter((n) => !TEXT_PARAMS.has(n));
      throw issue(`params.${name}`, `this workflow has no parameter '${name}' (it has: ${known.join(', ') || 'none'})`);
    }
    const checked = checkParamValue(spec, raw);
    if (!checked.ok) throw issue(`params.${name}`, checked.message);
    out[name] = checked.value;
  }
  return out;
}

/** Model choices must name settings the workflow has; an empty choice means "as remembered". */
function checkTemplateModels(
  manifest: WorkflowManifest,
  models: Readonly<Record<string, string>>,
): Record<string, string> {
  const settings = new Set(manifest.models.map((m) => m.setting));
  const out: Record<string, string> = {};
  for (const [key, file] of Object.entries(models)) {
    if (!settings.has(key)) {
      const known = [...settings].join(', ') || 'none';
      throw issue(`models.${key}`, `workflow '${manifest.id}' has no model setting '${key}' (it has: ${known})`);
    }
    if (file.trim()) out[key] = file.trim();
  }
  return out;
}

export function templatesHandlers(deps: {
  templates: TemplatesRepo;
  users: UsersRepo;
  guilds: GuildsRepo;
  workflows: WorkflowRegistry;
  events: EventBus;
}): Pick<Handlers, TemplatesMethods> {
  const { templates, users, guilds, workflows, events } = deps;
  const changed = (id: number, template: Template | null) => events.emit('templates.changed', { id, template });
  return {
    'workflows.list': () => workflows.list().map((w) => ({ manifest: w.manifest, source: w.source })),
    'templates.list': ({ guildId }, { person }) => {
      if (!isOwnerSide(person)) return templates.visibleTo(person.userId, person.guildId);
      return templates.list().filter((t) => guildId === undefined || t.guildId === guildId || t.guildId === null);
    },
    /**
     * One path for the desktop and Discord: the same checks (workflow, server, parameters, name clash, the
     * server's banned words) whoever saves. The desktop user owns what the app saves; a Discord user what they
     * save, in the server they save it from.
     */
    'templates.save': (input, { person }) => {
      const owner = isOwnerSide(person);
      if (!owner) requireLevel(person, 'generator', 'save templates');
      const ownerId = owner ? DESKTOP_OWNER_ID : person.userId;
      const guildId = owner ? input.guildId : person.guildId;
      if (!owner && input.guildId !== null && input.guildId !== person.guildId) {
        throw issue('guildId', 'a template is saved in the server you save it from');
      }
      const workflow = workflows.get(input.workflow);
      if (!workflow) {
        const known = workflows.list().map((w) => w.manifest.id);
        throw issue(
          'workflow',
          `no workflow '${input.workflow}' is installed (installed: ${known.join(', ') || 'none'})`,
        );
      }
      if (input.shared && guildId === null) throw badRequest('shared: a shared template needs a server (guildId)');
      const guild = guildId !== null ? guilds.get(guildId) : null;
      if (guildId !== null && !guild)
        throw issue('guildId', 'the bot does not know this server (add the bot to it first)');
      const problem = promptProblem({ prompt: input.prompt, negative: input.negative }, guild?.bannedWords ?? []);
      if (problem)
        throw refusal('bad_request', 'Prompt refused', problem, undefined, [{ path: 'prompt', message: problem }]);
      const params = checkTemplateParams(workflow.manifest.parameters, input.params);
      const models = checkTemplateModels(workflow.manifest, input.models);
      if (input.lora && !workflow.manifest.lora)
        throw issue('lora', `the workflow '${input.workflow}' has no LoRA loader`);
      const previous = input.id !== undefined ? templates.get(input.id) : null;
      if (input.id !== undefined && !previous) {
        throw new ApiError({
          code: 'not_found',
          message: `Template ${input.id} does not exist (it may have been deleted).`,
        });
      }
      if (previous && previous.ownerId !== ownerId) {
        throw new ApiError({
          code: 'conflict',
          message: owner
            ? `“${previous.name}” belongs to Discord user ${previous.ownerId}: it can be deleted here but not changed. Save it without its id to make your own copy.`
            : `“${previous.name}” is not yours to change.`,
        });
      }
      const clash = templates.findByName(ownerId, guildId, input.name);
      // A new template may not silently replace an existing one of the same name (edit that one, or say replace).
      if (clash && clash.id !== input.id && !input.replace) {
        throw refusal(
          'conflict',
          'Name taken',
          `Another template is already called "${input.name}" there.`,
          owner
            ? 'Open it to change it, or choose another name.'
            : 'Choose another name, or save with replace:True to overwrite yours.',
          [{ path: 'name', message: 'a template with this name exists' }],
        );
      }
      if (owner) {
        if (!users.get(DESKTOP_OWNER_ID)) users.upsert(DESKTOP_OWNER_ID, 'Desktop');
      } else users.upsert(person.userId, person.userName);
      const saved = templates.save({
        ownerId,
        guildId,
        shared: input.shared,
        name: input.name,
        prompt: input.prompt,
        negative: input.negative,
        params,
        workflow: input.workflow,
        models,
        lora: input.lora,
      });
      // A rename or a move to another server saved a new row: the old one goes.
      if (previous && previous.id !== saved.id) {
        templates.remove(previous.id);
        changed(previous.id, null);
      }
      changed(saved.id, saved);
      return saved;
    },
    'templates.delete': ({ id }, { person }) => {
      const template = templates.get(id);
      if (!isOwnerSide(person)) {
        const usable =
          template && (template.ownerId === person.userId || (template.shared && template.guildId === person.guildId));
        if (!usable)
          throw refusal(
            'not_found',
            'Unknown template',
            'There is no such template you can use here.',
            'See /template list.',
          );
        const adminOfScope = person.level === 'admin' && template.shared && template.guildId === person.guildId;
        if (template.ownerId !== person.userId && !adminOfScope) {
          throw refusal(
            'forbidden',
            'Not allowed',
            'Only its owner (or a server admin, for shared templates) can delete a template.',
          );
        }
      }
      const removed = templates.remove(id);
      if (removed) changed(id, null);
      return { removed };
    },
  };
}
