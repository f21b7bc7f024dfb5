/**
 * Choosing a ComfyUI backend for a job: pure functions over plain data, so the scheduler and the tests see
 * exactly the same rules (why none can run it now: placement.ts).
 *
 * - Only online backends (idle or busy) whose capabilities are known and include every required node class
 *   and model file are candidates.
 * - Least loaded first (running + queued), then the one whose last job used the same main model (it is
 *   probably still in VRAM), then the order backends were added. Same input, same answer.
 */

export type BackendStatus = 'offline' | 'starting' | 'idle' | 'busy' | 'error';
export type { BackendKind } from '@shared/backends';
import type { BackendKind } from '@shared/backends';

export interface ModelRef {
  /** A ComfyUI model folder: checkpoints, loras, diffusion_models, text_encoders, vae, upscale_models, … */
  folder: string;
  /** File name relative to that folder, e.g. "flux1-dev.safetensors" or "sdxl/juggernaut.safetensors". */
  file: string;
}

export interface Requirements {
  nodeClasses: readonly string[];
  models: readonly ModelRef[];
  /** The workflow's main model file; a backend that last used it wins ties. */
  preferModel?: string;
}

/** The range ComfyUI accepts for an INT input (from /object_info). */
export interface IntRange {
  min?: number;
  max?: number;
}

export interface BackendCapabilities {
  nodeClasses: ReadonlySet<string>;
  /** Folder → file names, normalised with `normalizeModelName`. */
  models: ReadonlyMap<string, ReadonlySet<string>>;
  /** Folder → when its file list was read (clock time). */
  modelsReadAt: ReadonlyMap<string, number>;
  /** Node class → INT input → the range ComfyUI accepts (e.g. KSampler.seed). */
  intRanges: ReadonlyMap<string, ReadonlyMap<string, IntRange>>;
  /** Clock time of the fetch. */
  fetchedAt: number;
}

/** What the selection reads about one backend. */
export interface BackendView {
  id: string;
  /** Shown in explanations; defaults to the id. */
  name?: string;
  kind?: BackendKind;
  status: BackendStatus;
  /** Prompts running + queued on it. */
  load: number;
  /** Null until fetched on connect. */
  capabilities: BackendCapabilities | null;
  /** Main model file of the last job sent to it. */
  lastModel?: string | null;
}

/** Legacy folder names that `/models/{folder}` does not map (see comfyui-api.md §1 /models). */
const FOLDER_ALIASES: Readonly<Record<string, string>> = { unet: 'diffusion_models', clip: 'text_encoders' };

export function canonicalFolder(folder: string): string {
  return FOLDER_ALIASES[folder] ?? folder;
}

/** Windows servers list `sub\file.safetensors`; compare with forward slashes. */
export function normalizeModelName(name: string): string {
  return name.replace(/\\/g, '/').replace(/^\/+/, '');
}

export function isOnline(status: BackendStatus): boolean {
  return status === 'idle' || status === 'busy';
}

export interface Missing {
  nodeClasses: string[];
  models: ModelRef[];
}

/** Which requirements this backend lacks (by its cached capabilities). */
export function missingOn(caps: BackendCapabilities, req: Requirements): Missing {
  const nodeClasses = unique(req.nodeClasses).filter((c) => !caps.nodeClasses.has(c));
  const models = uniqueModels(req.models).filter(
    (m) => !caps.models.get(canonicalFolder(m.folder))?.has(normalizeModelName(m.file)),
  );
  return { nodeClasses, models };
}

function fits(b: BackendView, req: Requirements): boolean {
  if (!isOnline(b.status) || !b.capabilities) return false;
  const miss = missingOn(b.capabilities, req);
  return miss.nodeClasses.length === 0 && miss.models.length === 0;
}

/** Every backend that could run the job, best first. */
export function rankBackends<T extends BackendView>(backends: readonly T[], req: Requirements): T[] {
  const prefer = req.preferModel ? normalizeModelName(req.preferModel) : null;
  const samePreferred = (b: BackendView) =>
    prefer !== null && b.lastModel != null && normalizeModelName(b.lastModel) === prefer ? 0 : 1;
  return backends
    .map((b, index) => ({ b, index }))
    .filter(({ b }) => fits(b, req))
    .sort((x, y) => x.b.load - y.b.load || samePreferred(x.b) - samePreferred(y.b) || x.index - y.index)
    .map(({ b }) => b);
}

export function pickBackend<T extends BackendView>(backends: readonly T[], req: Requirements): T | null {
  return rankBackends(backends, req)[0] ?? null;
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

export function sameModel(a: ModelRef, b: ModelRef): boolean {
  return (
    canonicalFolder(a.folder) === canonicalFolder(b.folder) && normalizeModelName(a.file) === normalizeModelName(b.file)
  );
}

export function uniqueModels(ms: readonly ModelRef[]): ModelRef[] {
  const out: ModelRef[] = [];
  for (const m of ms) if (!out.some((x) => sameModel(x, m))) out.push(m);
  return out;
}

/** One backend that could run a job, as the speed-aware choice sees it. */
export interface SpeedCandidate {
  id: string;
  /** Expected time until what is already on it (or routed to it) is done (ms). */
  aheadMs: number;
  /** Expected time of the job there (ms), null when nothing like it has been measured anywhere. */
  runMs: number | null;
  /** The model it would load first (0 when its last job used the same model). */
  switchMs: number;
  /** 0: its last job used the job's model; 1: nothing is known to be loaded there; 2: another model. */
  modelRank: 0 | 1 | 2;
  /** It may take one more prompt now (its pipeline is not full). */
  hasRoom: boolean;
  /** Its free VRAM is below what the workflow last needed there. */
  vramShort: boolean;
}

export type SpeedChoice = { kind: 'run'; id: string } | { kind: 'wait'; id: string | null };

/**
 * The backend that finishes the job soonest: what is ahead of it there, plus a model load when its last job used
 * another model, plus the job's measured time there. A backend short of VRAM is never chosen. When the soonest
 * one is full, the job waits for it rather than going where it would end later. Before any speed is known, a
 * candidate with room runs it: one that has its model loaded first, then one with nothing loaded, then the least
 * loaded. Candidates come best first (rankBackends); ties keep that order.
 */
export function chooseSoonest(cands: readonly SpeedCandidate[]): SpeedChoice {
  const usable = cands.filter((c) => !c.vramShort);
  if (usable.length === 0) return { kind: 'wait', id: null };
  if (usable.some((c) => c.runMs === null)) {
    const free = usable.filter((c) => c.hasRoom).sort((a, b) => a.modelRank - b.modelRank)[0];
    return free ? { kind: 'run', id: free.id } : { kind: 'wait', id: null };
  }
  let best: SpeedCandidate | null = null;
  let bestAt = Infinity;
  for (const c of usable) {
    const at = c.aheadMs + c.switchMs + c.runMs!;
    if (at < bestAt) {
      best = c;
      bestAt = at;
    }
  }
  return best!.hasRoom ? { kind: 'run', id: best!.id } : { kind: 'wait', id: best!.id };
}
