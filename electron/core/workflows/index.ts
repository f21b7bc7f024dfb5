/** The workflows capability: bundled + imported manifests, injection, detection, validation, import. */
export {
  WorkflowRegistry,
  loadWorkflowDir,
  parseWorkflowPair,
  type LoadedWorkflow,
  type WorkflowLoadError,
  type WorkflowSource,
} from './registry';
export {
  injectParams,
  injectWithDetails,
  applyTransform,
  InjectError,
  type InjectOptions,
  type InjectResult,
  type InjectIssue,
  type LoraChoice,
} from './inject';
export { detectManifest, slugifyId, type DetectOptions, type DetectResult, type DetectError } from './detect';
export {
  validateGraph,
  formatProblem,
  type GraphProblem,
  type ProblemKind,
  type ValidateOptions,
  type ValidationReport,
} from './validate';
export {
  proposeImport,
  commitImport,
  removeImport,
  exportWorkflow,
  MAX_IMPORT_BYTES,
  type ImportProposal,
  type ImportError,
  type ProposeOptions,
} from './import';
export { requiredModelFiles, missingModelFiles, type ModelFile } from './requirements';
export { checkManifestAgainstGraph } from './manifest-check';
export { ObjectInfoSchema, MODEL_INPUTS, type ObjectInfo } from './object-info';
export { readApiGraph, isUiFormat, UI_FORMAT_MESSAGE, type ApiGraph } from './graph';
