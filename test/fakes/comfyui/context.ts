/**
 * The state the fake's HTTP routes share, and the records a test inspects.
 */
import type { Executor } from './executor';
import type { FileStore } from './files';
import type { ModelFolders } from './model-folders';
import type { FakeScript, FreeRecord, InterruptRecord, ReceivedPrompt, UploadRecord } from './options';
import type { PromptQueue } from './queue';
import type { WsHub } from './ws-hub';

export interface Introspection {
  prompts: ReceivedPrompt[];
  interrupts: InterruptRecord[];
  /** Prompt ids removed by POST /queue {delete} (only the ones that were pending). */
  deleted: string[];
  /** How many times POST /queue {clear:true} was received. */
  clears: number;
  uploads: UploadRecord[];
  frees: FreeRecord[];
}

export function emptyIntrospection(): Introspection {
  return { prompts: [], interrupts: [], deleted: [], clears: 0, uploads: [], frees: [] };
}

export interface FakeContext {
  queue: PromptQueue;
  hub: WsHub;
  store: FileStore;
  executor: Executor;
  script: FakeScript;
  record: Introspection;
  now(): number;
  /** The /object_info answer (models filled, LoadImage's list from the input dir). */
  objectInfo(): Record<string, unknown>;
  systemStats(): Record<string, unknown>;
  modelFolders(): string[];
  modelFiles(folder: string): string[] | null;
  /** The model folders on disk (/internal/folder_paths, /api/experiment/models). */
  models: ModelFolders;
  randomId(): string;
}
