/**
 * Where a job can run, and when it cannot, why — pure, over the same views routing reads. Every waiting job
 * carries one of these reasons, and a job no enabled backend can ever run is told so at once:
 *
 * - `ready`: at least one online backend has every node class and model file (ranked, best first).
 * - `wait`: it may run later — ComfyUI is starting, nothing is online yet, the online backends have not reported
 *   their nodes and models, a model list is being read again, or the backend that may have the files is offline.
 * - `never`: every enabled backend is online, has reported, read its model folders lately, and none has what the
 *   job needs: the reason names the files (and folders) or node classes, and the hint says how to get them.
 */
import {
  canonicalFolder,
  isOnline,
  missingOn,
  normalizeModelName,
  rankBackends,
  sameModel,
  uniqueModels,
  type BackendView,
  type ModelRef,
  type Requirements,
} from './routing';

export type WaitKind = 'setup' | 'starting' | 'offline' | 'checking';

export type Placement<T = BackendView> =
  | { kind: 'ready'; backends: T[] }
  | {
      kind: 'wait';
      why: WaitKind;
      reason: string;
      hint: string;
      /** Model folders to read again before deciding a file is missing (backend id → folders). */
      recheck?: Array<{ backendId: string; folders: string[] }>;
    }
  | { kind: 'never'; reason: string; hint: string; missing: { models: ModelRef[]; nodeClasses: string[] } };

export interface PlacementContext {
  now: number;
  /** A model folder read at least this recently counts as the truth about its files. */
  freshMs: number;
  /** When each backend last read each model folder (backend id → folder → time). */
  readAt(backendId: string, folder: string): number | null;
  /** The ComfyUI that ComfyDesk launches is starting. */
  launching: boolean;
  /** Is anything set up at all (a backend record, or a folder to launch)? */
  configured: boolean;
  /** Backends the user turned off (their names). */
  disabled?: readonly string[];
}

const nameOf = (b: BackendView) => b.name ?? b.id;
const fileOf = (m: ModelRef) => `${normalizeModelName(m.file)} (${canonicalFolder(m.folder)})`;

export function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

export function placeJob<T extends BackendView>(
  backends: readonly T[],
  req: Requirements,
  ctx: PlacementContext,
): Placement<T> {
  const ranked = rankBackends(backends, req);
  if (ranked.length > 0) return { kind: 'ready', backends: ranked };
  const online = backends.filter((b) => isOnline(b.status));
  if (online.length === 0) {
    if (ctx.launching || backends.some((b) => b.status === 'starting')) {
      return {
        kind: 'wait',
        why: 'starting',
        reason: 'Waiting for ComfyUI to start',
        hint: 'It runs as soon as ComfyUI is ready; the Health page shows its start-up log.',
      };
    }
    if (backends.length === 0 && (ctx.disabled?.length ?? 0) > 0) {
      return {
        kind: 'wait',
        why: 'setup',
        reason: `Every ComfyUI is turned off (${listOf([...ctx.disabled!])})`,
        hint: 'Turn one on in Settings → ComfyUI.',
      };
    }
    if (!ctx.configured || backends.length === 0) {
      return {
        kind: 'wait',
        why: 'setup',
        reason: 'No ComfyUI is set up',
        hint: 'Open the setup guide (or Settings → ComfyUI) to choose your ComfyUI folder or enter its address.',
      };
    }
    const states = backends.map((b) => `${nameOf(b)}: ${b.status}`).join(', ');
    return {
      kind: 'wait',
      why: 'offline',
      reason: `No ComfyUI is online (${states})`,
      hint: 'Start ComfyUI (or let ComfyDesk launch it); the job runs once one is online.',
    };
  }
  const unknown = online.filter((b) => b.capabilities === null);
  const known = online.filter((b) => b.capabilities !== null);
  if (known.length === 0) {
    return {
      kind: 'wait',
      why: 'checking',
      reason: `Checking what ${listOf(unknown.map(nameOf))} can run`,
      hint: 'This takes a moment after ComfyUI comes online.',
    };
  }
  const misses = known.map((b) => ({ b, miss: missingOn(b.capabilities!, req) }));
  // Before saying a file is missing, its folder must have been read lately (a file copied in by hand shows up then).
  const recheck = misses
    .map(({ b, miss }) => ({
      backendId: b.id,
      folders: [...new Set(miss.models.map((m) => canonicalFolder(m.folder)))].filter((folder) => {
        const at = ctx.readAt(b.id, folder);
        return at === null || ctx.now - at > ctx.freshMs;
      }),
    }))
    .filter((r) => r.folders.length > 0);
  const nowhereModels = uniqueModels(req.models).filter((m) =>
    misses.every(({ miss }) => miss.models.some((x) => sameModel(x, m))),
  );
  const nowhereClasses = [...new Set(req.nodeClasses)].filter((c) =>
    misses.every(({ miss }) => miss.nodeClasses.includes(c)),
  );
  const lacking = describeLack(nowhereModels, nowhereClasses, misses);
  if (recheck.length > 0) {
    return {
      kind: 'wait',
      why: 'checking',
      reason: `Looking for ${nowhereModels.length ? listOf(nowhereModels.map(fileOf)) : 'its files'} on ComfyUI`,
      hint: 'ComfyDesk reads the model folders again before it gives up.',
      recheck,
    };
  }
  const waitingFor = [...backends.filter((b) => !isOnline(b.status)), ...unknown];
  if (waitingFor.length > 0) {
    return {
      kind: 'wait',
      why: waitingFor.some((b) => b.status === 'starting') ? 'starting' : 'offline',
      reason: `${lacking.reason}; waiting for ${listOf(waitingFor.map((b) => `${nameOf(b)} (${b.status})`))}`,
      hint: lacking.hint,
    };
  }
  return {
    kind: 'never',
    reason: lacking.reason,
    hint: lacking.hint,
    missing: { models: nowhereModels, nodeClasses: nowhereClasses },
  };
}

function describeLack(
  models: ModelRef[],
  classes: string[],
  misses: Array<{ b: BackendView; miss: { models: ModelRef[]; nodeClasses: string[] } }>,
): { reason: string; hint: string } {
  const parts: string[] = [];
  const hints: string[] = [];
  if (models.length > 0) {
    parts.push(`No ComfyUI has ${listOf(models.map(fileOf))}`);
    const folders = [...new Set(models.map((m) => canonicalFolder(m.folder)))];
    hints.push(
      `Download ${models.length === 1 ? 'it' : 'them'} on the Models page, or put the file${models.length === 1 ? '' : 's'} in ComfyUI's ${listOf(folders.map((f) => `models/${f}`))} folder${folders.length === 1 ? '' : 's'}.`,
    );
  }
  if (classes.length > 0) {
    parts.push(`No ComfyUI has the node${classes.length === 1 ? '' : 's'} ${listOf(classes)}`);
    hints.push(
      `Install the custom node that provides ${classes.length === 1 ? 'it' : 'them'} (ComfyUI Manager can), then restart ComfyUI.`,
    );
  }
  if (parts.length === 0) {
    const lines = misses.map(({ b, miss }) => {
      const lacks = [...miss.models.map((m) => normalizeModelName(m.file)), ...miss.nodeClasses];
      return `${nameOf(b)} lacks ${listOf(lacks)}`;
    });
    parts.push(`No single ComfyUI has everything (${lines.join('; ')})`);
    hints.push('Put the missing files on one of them, or pick other model files for this workflow.');
  }
  return { reason: parts.join('; '), hint: hints.join(' ') };
}
