import { ApiError } from '@shared/api';
import type { ModelFolder } from '@shared/workflow-manifest';
import type { BackendManager } from '@core/comfy/backends/manager';
import type { ComfyBackend } from '@core/comfy/backends/backend';
import type { EventBus } from '../events';
import type { SettingsRepo } from '@core/store/settings-repo';
import { commitImport, exportWorkflow, proposeImport, removeImport } from '@core/workflows/import';
import { checkAgainst, graphModelFolders } from '@core/workflows/proposal-check';
import { parseWorkflowPair } from '@core/workflows/registry';
import { readApiGraph, type ApiGraph } from '@core/workflows/graph';
import type { WorkflowManifest } from '@shared/workflow-manifest';
import type { WorkflowRegistry } from '@core/workflows/registry';
import { requiredModelFiles } from '@core/workflows/requirements';
import { formatProblem, validateGraph, type GraphProblem } from '@core/workflows/validate';
import { resolveParams } from '@core/workflows/resolve';
import { buildGraph } from '@core/jobs/prepare';
import { freshWorkflowReadiness } from '@core/workflows/readiness';
import type { Handlers } from './dispatch';

type WorkflowMethods =
  | 'workflows.readiness'
  | 'workflows.propose'
  | 'workflows.check'
  | 'workflows.import'
  | 'workflows.remove'
  | 'workflows.export'
  | 'workflows.validate';

export interface WorkflowsHandlerDeps {
  workflows: WorkflowRegistry;
  comfy: Pick<BackendManager, 'get' | 'list' | 'place' | 'recheckModels' | 'summaries'>;
  settings: SettingsRepo;
  events: EventBus;
}

const problemView = (p: GraphProblem) => ({
  severity: p.severity,
  message: formatProblem(p),
  ...(p.nodeId !== undefined ? { nodeId: p.nodeId } : {}),
  ...(p.classType !== undefined ? { classType: p.classType } : {}),
  ...(p.input !== undefined ? { input: p.input } : {}),
});

async function modelLists(
  backend: ComfyBackend,
  folders: readonly ModelFolder[],
): Promise<Partial<Record<ModelFolder, string[]>>> {
  const out: Partial<Record<ModelFolder, string[]>> = {};
  await Promise.all(
    [...new Set(folders)].map(async (folder) => {
      out[folder] = await backend.client.models(folder).catch(() => []);
    }),
  );
  return out;
}

export function workflowsHandlers(deps: WorkflowsHandlerDeps): Pick<Handlers, WorkflowMethods> {
  const { workflows, comfy, events } = deps;
  const online = (id?: string): ComfyBackend | undefined => {
    if (id) {
      const b = comfy.get(id);
      if (!b) throw new ApiError({ code: 'not_found', message: `No running ComfyUI backend with id ${id}.` });
      return b;
    }
    return comfy.list().find((b) => b.status === 'idle' || b.status === 'busy');
  };
  const nameOf = (b: ComfyBackend): string => comfy.summaries().find((s) => s.id === b.id)?.name ?? b.url;
  /** A graph checked against the first online backend: its problems and what it lacks (nothing when none is online). */
  const check = async (manifest: WorkflowManifest | null, graph: ApiGraph) => {
    const backend = online();
    const none = { problems: [], missing: { nodeClasses: [], models: [] }, checkedAgainst: null };
    if (!backend) return none;
    const objectInfo = await backend.client.objectInfo().catch(() => undefined);
    if (!objectInfo) return none;
    const result = checkAgainst(manifest, graph, objectInfo, await modelLists(backend, graphModelFolders(graph)));
    return {
      problems: result.problems.map(problemView),
      missing: result.missing,
      checkedAgainst: { id: backend.id, name: nameOf(backend) },
    };
  };
  return {
    'workflows.readiness': () => freshWorkflowReadiness(workflows, comfy, deps.settings.get().models),
    'workflows.propose': async ({ fileName, text, base64 }) => {
      const backend = online();
      const objectInfo = backend ? await backend.client.objectInfo().catch(() => undefined) : undefined;
      const content = text ?? Buffer.from(base64 ?? '', 'base64');
      const result = proposeImport(
        { fileName, content },
        {
          takenIds: workflows.list().map((w) => w.manifest.id),
          ...(objectInfo && backend ? { objectInfo, backendName: nameOf(backend) } : {}),
        },
      );
      if (!result.ok) {
        throw new ApiError({
          code: 'bad_request',
          title:
            result.error.code === 'ui_format' || result.error.code === 'ui_unconvertible'
              ? 'Editor format'
              : 'Not a workflow ComfyDesk can read',
          message: result.error.message,
          ...(result.error.details
            ? { issues: result.error.details.map((d) => ({ path: fileName, message: d })) }
            : {}),
        });
      }
      const p = result.proposal;
      return {
        manifest: p.manifest,
        workflow: p.workflow,
        notes: p.notes,
        fromExport: p.fromExport,
        format: p.format,
        container: p.container,
        ...(await check(p.manifest, p.workflow)),
      };
    },
    'workflows.check': async ({ manifest, workflow }) => {
      const pair = parseWorkflowPair(manifest, workflow);
      if (pair.ok) return { invalid: [], ...(await check(pair.manifest, pair.workflow)) };
      const graph = readApiGraph(workflow);
      const checked = graph.ok
        ? await check(null, graph.graph)
        : { problems: [], missing: { nodeClasses: [], models: [] }, checkedAgainst: null };
      return { invalid: pair.details, ...checked };
    },
    'workflows.import': async ({ manifest, workflow }) => {
      const result = await commitImport(workflows, manifest, workflow);
      if (!result.ok) {
        throw new ApiError({
          code: result.error.code === 'id_taken' ? 'conflict' : 'bad_request',
          message: result.error.details?.length
            ? `${result.error.message} ${result.error.details.join('; ')}`
            : result.error.message,
        });
      }
      events.emit('workflows.changed', { ids: [result.workflow.manifest.id] });
      return { manifest: result.workflow.manifest, source: 'imported' as const };
    },
    'workflows.remove': async ({ id }) => {
      const result = await removeImport(workflows, id);
      if (!result.ok)
        throw new ApiError({
          code: result.error.code === 'not_found' ? 'not_found' : 'internal',
          message: result.error.message,
        });
      events.emit('workflows.changed', { ids: [id] });
      return { id };
    },
    'workflows.export': ({ id }) => {
      const wf = workflows.get(id);
      if (!wf) throw new ApiError({ code: 'not_found', message: `There is no workflow '${id}'.` });
      return { fileName: `${id}.comfydesk.json`, json: exportWorkflow(wf) };
    },
    'workflows.validate': async ({ id, backendId }) => {
      const wf = workflows.get(id);
      if (!wf) throw new ApiError({ code: 'not_found', message: `There is no workflow '${id}'.` });
      const backend = online(backendId);
      if (!backend)
        throw new ApiError({
          code: 'unavailable',
          message: 'No ComfyUI backend is online to check the workflow against.',
        });
      // The graph as a job would send it: example values resolved like a request (the remembered model files),
      // stand-in names for uploaded images.
      const example: Record<string, unknown> = {};
      for (const spec of wf.manifest.parameters) {
        if (spec.default !== undefined || spec.type === 'seed') continue;
        example[spec.name] =
          spec.type === 'string'
            ? 'example'
            : spec.type === 'enum'
              ? spec.choices?.[0]
              : spec.type === 'bool'
                ? false
                : (spec.min ?? 1);
      }
      const resolved = resolveParams(
        wf.manifest,
        {
          prompt: typeof example.prompt === 'string' ? example.prompt : '',
          negative: '',
          params: example,
          imageSlots: wf.manifest.images.map((_, i) => i),
        },
        { random: () => 0, remembered: deps.settings.get().models },
      );
      const graph = buildGraph(
        wf,
        resolved,
        wf.manifest.images.map(() => 'example.png'),
        'ComfyDesk/validate',
      );
      const [objectInfo, lists] = await Promise.all([
        backend.client.objectInfo(),
        modelLists(
          backend,
          requiredModelFiles(wf.manifest, resolved).map((m) => m.folder),
        ),
      ]);
      const report = validateGraph(graph, objectInfo, { models: lists });
      return { backendId: backend.id, ok: report.ok, problems: report.problems.map(problemView) };
    },
  };
}
