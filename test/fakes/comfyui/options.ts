/**
 * Options, per-test scripting and introspection records of the fake ComfyUI server.
 */
import type { ApiGraph } from '@core/comfy/protocol/messages';

/** Classes that report `progress` per step (comfyui-api.md section 2, "Sampler progress"). */
export const SAMPLING_CLASSES: ReadonlySet<string> = new Set([
  'KSampler',
  'KSamplerAdvanced',
  'SamplerCustom',
  'SamplerCustomAdvanced',
  'SlowProgressImage',
]);

/** Where a scripted failure hits. `node` is a node id or a class_type. */
export interface FailScript {
  node: string;
  /** For sampling nodes: fail right after reporting this step (1-based). 0/absent: before any step. */
  step?: number;
  /** `exception` (default) or `oom` (torch.OutOfMemoryError with the server's tip text). */
  kind?: 'exception' | 'oom';
  /** Exception text; a sensible default is used. */
  message?: string;
  /** Python exception type name for kind `exception` (default `RuntimeError`). */
  exceptionType?: string;
  /** Only for this prompt id (default: every prompt that has the node). */
  promptId?: string;
}

/**
 * Hold point: the running prompt pauses there until `release()`. Sampling node `node` (id or class; default
 * the first sampling node in run order) at step `step` (default 1), before that step's interrupt check and
 * progress message. A graph without a sampling node pauses right after `executing` of its first executed node.
 */
export interface HoldScript {
  node?: string;
  step?: number;
  /** Only this prompt id (default: every prompt). */
  promptId?: string;
}

export interface DeviceStats {
  name: string;
  type: string;
  index: number | null;
  vram_total: number;
  vram_free: number;
  torch_vram_total: number;
  torch_vram_free: number;
}

export interface FakeScript {
  /** Step count override, keyed by node id or class_type (node id wins). Else the node's `steps` input. */
  steps: Record<string, number>;
  /** Milliseconds per sampling step. 0 = as fast as possible (still yields to the event loop). */
  msPerStep: number;
  /** Extra time a node takes, keyed by node id or class_type. Non-sampling nodes are instant otherwise. */
  nodeDelayMs: Record<string, number>;
  fail: FailScript | null;
  hold: boolean | HoldScript;
  /** Live previews from sampler steps (like `--preview-method auto`). Off by default as on the real server. */
  previews: boolean;
  /**
   * What saved PNGs look like: 'solid' (a flat colour with a band: tiny files) or 'noise' (random pixels, about
   * 1 MB at 576x576, like a real generation's size; made once per size and reused, so the fake stays cheap) or
   * 'scene' (a drawn picture chosen by the seed, see scenes.ts; live previews clear up step by step: screenshots).
   */
  outputDetail: 'solid' | 'noise' | 'scene';
  /** Request body limit in bytes (`--max-upload-size`, default 100 MiB). */
  maxUploadSize: number;
  /** Replaces `devices` of /system_stats (null: the fixture's CPU device). */
  devices: DeviceStats[] | null;
}

export interface FakeComfyOptions {
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /**
   * Model file names per folder (`checkpoints`, `loras`, `vae`, `diffusion_models`, `text_encoders`, ...), listed
   * on top of the files really in `modelsDir` (names only: no file behind them).
   */
  models?: Partial<Record<string, string[]>>;
  /** Replaces the fixture's whole /object_info. */
  objectInfo?: Record<string, unknown>;
  /** Adds or replaces node classes on top of the fixture. */
  extraObjectInfo?: Record<string, unknown>;
  /**
   * The `models/` folder on disk (default `<dataDir>/models`, made with every model folder in it): `/models/{folder}`,
   * `/object_info`'s loader choices and `/api/experiment/models/{folder}` list what is in it at each request.
   */
  modelsDir?: string;
  /**
   * The `models/` folder as `/internal/folder_paths` and `/api/experiment/models` report it (default: `modelsDir`).
   * A path that does not exist here plays a ComfyUI in Docker or WSL, which reports its own machine's paths.
   */
  reportedModelsDir?: string;
  /** Directory for input/output/temp (default: a fresh temp dir, removed by close()). */
  dataDir?: string;
  /** Initial script; see FakeScript. */
  script?: Partial<FakeScript>;
  /** Timestamps in messages (ms). Default Date.now. */
  now?: () => number;
  /**
   * Reproduce the real server's registry pitfall: when an old socket with a clientId closes after a new one
   * with the same id registered, the new one is dropped from the registry (section 2). Default true.
   */
  sidPopQuirk?: boolean;
}

export function defaultScript(): FakeScript {
  return {
    steps: {},
    msPerStep: 0,
    nodeDelayMs: {},
    fail: null,
    hold: false,
    previews: false,
    outputDetail: 'solid',
    maxUploadSize: 100 * 1024 * 1024,
    devices: null,
  };
}

export interface ReceivedPrompt {
  promptId: string;
  number: number;
  clientId: string | null;
  prompt: ApiGraph;
  extraData: Record<string, unknown>;
  /** The HTTP status the fake answered (400 for refused prompts). */
  status: number;
}

export interface InterruptRecord {
  /** The `prompt_id` of the request body, or null for a global interrupt. */
  promptId: string | null;
  /** The prompt that the interrupt hit (null: nothing was running or the id did not match). */
  hit: string | null;
}

export interface UploadRecord {
  requestedName: string;
  name: string;
  subfolder: string;
  type: string;
  overwrite: boolean;
  bytes: number;
}

export interface FreeRecord {
  unloadModels: boolean;
  freeMemory: boolean;
}
