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
        for (const m of missingModels) {
          const listed = ctx.catalog?.(m.folder, m.file) ?? null;
          const can: string[] = [];
          if (backendId && isModelFolder(m.folder) && listed) {
            fixes.push({ kind: 'download', backendId, folder: m.folder, file: m.file, bytes: listed.bytes });
            can.push('download it');
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
            can.push(
              m.others === 1
                ? `choose the one file this ComfyUI has in ${m.folder}`
                : `choose one of the ${m.others} files this ComfyUI has in ${m.folder}`,
            );
          }
          can.push(`put ${m.file} in ComfyUI/models/${m.folder}/`);
          hints.push(`${capitalize(can.join(', or '))}.`);
        }
      }
      if (missingNodes.length > 0) {
        details.push(`Missing node type${missingNodes.length === 1 ? '' : 's'}: ${missingNodes.join(', ')}.`);
        hints.push(
          'Install the custom nodes that provide them (ComfyUI-Manager: "Install Missing Custom Nodes") or update ComfyUI, then restart it.',
        );
      }
      if (backendId) {
        fixes.push({ kind: 'refresh-backend', backendId });
        hints.push('Then refresh this backend (no restart is needed for model files).');
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
