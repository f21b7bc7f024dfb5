/**
 * One health check per workflow: its node classes and the model files it would use, on this backend. A missing
 * file gets its buttons: Download (when the catalogue has it), Choose a file (when the folder has others), and
 * Refresh this backend (after copying a file in by hand or installing nodes).
 */
import type { HealthFix } from '@shared/api/health';
import { MODEL_FOLDERS, type ModelFolder } from '@shared/workflow-manifest';
import type { CheckOutcome, HealthCheck, HealthCheckProvider, HealthContext, WorkflowNeeds } from './registry';

const norm = (f: string): string => f.replace(/\\/g, '/');
const isModelFolder = (f: string): f is ModelFolder => (MODEL_FOLDERS as readonly string[]).includes(f);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function workflowCheck(wf: WorkflowNeeds): HealthCheck {
  return {
    id: `workflow:${wf.id}`,
    title: `Workflow "${wf.title}"`,
    async run(ctx, shared): Promise<CheckOutcome> {
      const info = await shared.objectInfo();
      const missingNodes = [...new Set(wf.nodeClasses)].filter((c) => !(c in info));
      const missingModels: Array<WorkflowNeeds['models'][number] & { others: number }> = [];
      for (const m of wf.models) {
        const files = await shared.models(m.folder);
        const want = norm(m.file);
        if (!files.some((f) => norm(f) === want)) missingModels.push({ ...m, others: files.length });
      }
      if (missingNodes.length === 0 && missingModels.length === 0) {
        return {
          status: 'ok',
          details: `All ${plural(wf.nodeClasses.length, 'node type')} and ${plural(wf.models.length, 'model file')} are present.`,
        };
      }
      const details: string[] = [];
      const hints: string[] = [];
      const fixes: HealthFix[] = [];
      const backendId = ctx.backendId;
      if (missingModels.length > 0) {
        details.push(
          `Missing model${missingModels.length === 1 ? '' : 's'}: ${missingModels.map((m) => `${m.file} (${m.folder})`).join(', ')}.`,
        );
        let downloadable = 0;
        let choosable = 0;
        for (const m of missingModels) {
          const listed = ctx.catalog?.(m.folder, m.file) ?? null;
          if (backendId && isModelFolder(m.folder) && listed) {
            fixes.push({ kind: 'download', backendId, folder: m.folder, file: m.file, bytes: listed.bytes });
            downloadable += 1;
          }
          if (backendId && isModelFolder(m.folder) && m.setting && m.others > 0) {
            fixes.push({
              kind: 'choose-model',
              backendId,
              workflowId: wf.id,
              setting: m.setting,
              folder: m.folder,
              file: m.file,
            });
            choosable += 1;
          }
        }
        const one = missingModels.length === 1;
        const only = missingModels[0]!;
        const can: string[] = [];
        if (downloadable > 0)
          can.push(
            downloadable === missingModels.length ? `download ${one ? 'it' : 'them'}` : 'download the ones offered',
          );
        if (choosable > 0)
          can.push(
            one && only.others === 1
              ? `choose the one file this ComfyUI has in ${only.folder}`
              : one
                ? `choose one of the ${only.others} files this ComfyUI has in ${only.folder}`
                : 'choose files this ComfyUI has instead',
          );
        const folders = [...new Set(missingModels.map((m) => `ComfyUI/models/${m.folder}/`))];
        can.push(one ? `put ${only.file} in ${folders[0]}` : `put each file in its folder (${folders.join(', ')})`);
        hints.push(`${capitalize(can.join(', or '))}.`);
      }
      if (missingNodes.length > 0) {
        details.push(`Missing node type${missingNodes.length === 1 ? '' : 's'}: ${missingNodes.join(', ')}.`);
        hints.push(
          'Install the custom nodes that provide them (ComfyUI-Manager: "Install Missing Custom Nodes") or update ComfyUI, then restart it.',
        );
      }
      if (backendId) {
        fixes.push({ kind: 'refresh-backend', backendId });
        hints.push(
          missingNodes.length > 0
            ? 'Then refresh this backend.'
            : 'After copying files in by hand, refresh this backend (no restart is needed).',
        );
      }
      return { status: 'fail', details: details.join(' '), fixHint: hints.join(' '), fixes };
    },
  };
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export const workflowChecks: HealthCheckProvider = {
  id: 'workflows',
  expand: (ctx: HealthContext) => (ctx.workflows ?? []).map(workflowCheck),
};
