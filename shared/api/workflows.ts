/**
 * Workflows beyond the bundled ones: import any ComfyUI API-format workflow (a manifest is proposed from its
 * nodes, the user reviews it), export, remove, and validate a workflow against a backend's nodes and models.
 * (`workflows.list` lives with the templates API, which the editors read it for.)
 */
import { z } from 'zod';
import { ModelFolderSchema, WorkflowManifestSchema } from '../workflow-manifest';
import { WorkflowEntrySchema } from './templates';
import { method } from './define';

export const GraphProblemSchema = z.object({
  severity: z.enum(['error', 'warning']),
  /** "node 6 (KSampler) input steps: …" */
  message: z.string(),
  nodeId: z.string().optional(),
  classType: z.string().optional(),
  input: z.string().optional(),
});

export type GraphProblemView = z.infer<typeof GraphProblemSchema>;

const ApiGraphSchema = z.record(
  z.string(),
  z.object({
    class_type: z.string(),
    inputs: z.record(z.string(), z.unknown()),
    /** The title the node has in ComfyUI's editor. */
    _meta: z.object({ title: z.string().optional() }).optional(),
  }),
);

/** What a graph needs that the checked backend lacks, by name (for the review's summary). */
export const ProposalMissingSchema = z.object({
  /** Node classes the backend does not have (custom nodes to install). */
  nodeClasses: z.array(z.string()),
  /** Model files it does not have, with the model setting that picks them. */
  models: z.array(z.object({ folder: ModelFolderSchema, file: z.string(), setting: z.string() })),
});
export type ProposalMissing = z.infer<typeof ProposalMissingSchema>;

/** The backend a proposal was checked against; null when none was online (nothing was checked). */
export const CheckedAgainstSchema = z.object({ id: z.string(), name: z.string() }).nullable();

export const WorkflowProposalSchema = z.object({
  manifest: WorkflowManifestSchema,
  workflow: ApiGraphSchema,
  /** What detection could not decide, for the review. */
  notes: z.array(z.string()),
  /** Problems against the first online backend (unknown nodes, missing models); empty when none is online. */
  problems: z.array(GraphProblemSchema),
  missing: ProposalMissingSchema,
  checkedAgainst: CheckedAgainstSchema,
  /** The file was a ComfyDesk export (it carried its own manifest). */
  fromExport: z.boolean(),
  /**
   * What the file held: the API graph ComfyUI runs, ComfyUI's editor graph (converted with the backend's
   * /object_info), or a ComfyDesk export; and whether it came from a JSON file or a PNG's metadata.
   */
  format: z.enum(['api', 'ui', 'export']),
  container: z.enum(['json', 'png']),
});
export type WorkflowProposal = z.infer<typeof WorkflowProposalSchema>;

/** Can a workflow run now, with the model files it would use? `wait`: maybe later (ComfyUI starting, offline…). */
export const WorkflowReadinessSchema = z.object({
  id: z.string(),
  state: z.enum(['ready', 'wait', 'never']),
  /** Why not, in one line (null when ready). */
  reason: z.string().nullable(),
  /** What would help (null when ready). */
  hint: z.string().nullable(),
  /** The files and node classes no ComfyUI has (for `never`). */
  missing: z.object({
    models: z.array(z.object({ folder: z.string(), file: z.string() })),
    nodeClasses: z.array(z.string()),
  }),
});
export type WorkflowReadiness = z.infer<typeof WorkflowReadinessSchema>;

export const workflowsMethods = {
  'workflows.readiness': method(
    z.object({}).strict().optional().default({}),
    z.array(WorkflowReadinessSchema),
    'Which workflows can run now on the online ComfyUIs (with the model files they would use), and why not.',
  ),
  'workflows.propose': method(
    z
      .object({
        fileName: z.string().min(1).max(255),
        /** The dropped file: JSON text, or base64 for a PNG saved by ComfyUI (its embedded prompt is read). */
        text: z
          .string()
          .max(5 * 1024 * 1024)
          .optional(),
        base64: z
          .string()
          .max(8 * 1024 * 1024)
          .optional(),
      })
      .strict()
      .refine((v) => (v.text === undefined) !== (v.base64 === undefined), 'give either text or base64'),
    WorkflowProposalSchema,
    'Read a dropped workflow file (API JSON, a ComfyUI PNG, a ComfyDesk export, or an editor-format graph converted with the backend’s /object_info) and propose a manifest for it.',
  ),
  'workflows.check': method(
    z.object({ manifest: z.unknown(), workflow: z.unknown() }).strict(),
    z.object({
      /** Why the manifest does not fit the graph, one line each; empty when it does. */
      invalid: z.array(z.string()),
      problems: z.array(GraphProblemSchema),
      missing: ProposalMissingSchema,
      checkedAgainst: CheckedAgainstSchema,
    }),
    'Check an edited proposal before it is saved: the manifest against its graph, and both against the first online backend.',
  ),
  'workflows.import': method(
    z.object({ manifest: z.unknown(), workflow: z.unknown() }).strict(),
    WorkflowEntrySchema,
    'Save a reviewed proposal as an imported workflow.',
  ),
  'workflows.remove': method(
    z.object({ id: z.string().min(1) }).strict(),
    z.object({ id: z.string() }),
    'Delete an imported workflow.',
  ),
  'workflows.export': method(
    z.object({ id: z.string().min(1) }).strict(),
    z.object({ fileName: z.string(), json: z.string() }),
    'A workflow with its manifest as one JSON file, importable on another machine.',
  ),
  'workflows.validate': method(
    z.object({ id: z.string().min(1), backendId: z.string().min(1).optional() }).strict(),
    z.object({ backendId: z.string(), ok: z.boolean(), problems: z.array(GraphProblemSchema) }),
    "Check a workflow against a backend's /object_info and model lists: every unknown class, missing input or model is named.",
  ),
};

export const workflowsEvents = {
  /** The set of workflows changed (import or remove). */
  'workflows.changed': z.object({ ids: z.array(z.string()) }),
};
