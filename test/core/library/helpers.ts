/**
 * Library test set-up: a real store in a temp dir, an event bus, a Library on FakeClock time, jobs stored the
 * way the engine stores them, and real images made with sharp.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterEach } from 'vitest';
import type { EventName, EventPayload } from '@shared/api';
import type { Job } from '@shared/jobs';
import type { CollectedFile } from '@core/comfy/protocol/collect-outputs';
import { EventBus } from '@core/events';
import { Library } from '@core/library/library';
import { nullLogger } from '@core/log';
import { openStore, type Store } from '@core/store';
import type { NewJob } from '@core/store/jobs-repo';
import { FakeClock } from '@test/helpers/fake-clock';
import { tempDirs } from '@test/helpers/temp-dir';

export const dirs = tempDirs();

export interface LibrarySetup {
  dir: string;
  libraryDir: string;
  store: Store;
  events: EventBus;
  clock: FakeClock;
  library: Library;
  /** A new Library over the same store and folder (as after a restart). */
  reopen(): Library;
  close(): Promise<void>;
}

export function setupLibrary(): LibrarySetup {
  const dir = dirs.make('comfydesk-library-');
  const libraryDir = join(dir, 'library');
  mkdirSync(libraryDir, { recursive: true });
  const clock = new FakeClock(new Date(2026, 2, 14, 9, 30, 5).getTime());
  const store = openStore(join(dir, 'comfydesk.db'), clock);
  const events = new EventBus();
  const libraries: Library[] = [];
  const make = () => {
    const lib = new Library({ libraryDir, store: store.outputs, clock, logger: nullLogger, events, ffmpegPath: null });
    libraries.push(lib);
    return lib;
  };
  const library = make();
  return {
    dir,
    libraryDir,
    store,
    events,
    clock,
    library,
    reopen: make,
    async close() {
      for (const lib of libraries) await lib.stop();
      store.close();
    },
  };
}

/**
 * For a test file: returns `setup()` (a new LibrarySetup) and registers an afterEach that closes every setup
 * made and removes the temp dirs.
 */
export function useLibrarySetups(): () => LibrarySetup {
  let setups: LibrarySetup[] = [];
  afterEach(async () => {
    for (const s of setups) await s.close();
    setups = [];
    dirs.cleanup();
  });
  return () => {
    const s = setupLibrary();
    setups.push(s);
    return s;
  };
}

let jobSeq = 0;

/** Store a job as the engine would (its user first). */
export function makeJob(store: Store, patch: Partial<NewJob> = {}): Job {
  const userId = patch.userId ?? 'user-1';
  store.users.upsert(userId, `name of ${userId}`);
  return store.jobs.create({
    id: patch.id ?? `job-${++jobSeq}`,
    source: 'discord',
    userId,
    guildId: 'guild-1',
    channelId: 'chan-1',
    workflow: 'sdxl-txt2img',
    params: { seed: 1234 },
    prompt: 'a red fox in the snow',
    negative: 'blurry',
    ...patch,
  });
}

/** A real PNG: flat colour by default, or noise (incompressible, large). */
export async function writePng(
  path: string,
  width: number,
  height: number,
  opts: { noise?: boolean; alpha?: boolean } = {},
): Promise<number> {
  mkdirSync(dirname(path), { recursive: true });
  const channels = opts.alpha ? 4 : 3;
  let image: Sharp;
  if (opts.noise) {
    const raw = noise(width * height * channels, 12345);
    if (channels === 4) for (let i = 3; i < raw.length; i += 4) raw[i] = raw[i]! >> 1;
    image = sharp(raw, { raw: { width, height, channels } }).blur(0.8);
  } else {
    image = sharp({ create: { width, height, channels, background: { r: 200, g: 80, b: 40, alpha: 0.5 } } });
  }
  const buf = await image.png().toBuffer();
  writeFileSync(path, buf);
  return buf.length;
}

/** Deterministic pseudo-random bytes (xorshift32): incompressible, the same every run. */
export function noise(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** A file the engine collected into the job's incoming folder. */
export async function collectedPng(
  library: Library,
  jobId: string,
  name: string,
  width: number,
  height: number,
): Promise<CollectedFile> {
  const path = join(library.incomingDir(jobId), name);
  const bytes = await writePng(path, width, height);
  return { path, kind: 'image', nodeId: '9', bytes, ref: { filename: name, subfolder: '', type: 'output' } };
}

export function collectedBytes(
  library: Library,
  jobId: string,
  name: string,
  content: string | Buffer,
  kind: CollectedFile['kind'],
): CollectedFile {
  const path = join(library.incomingDir(jobId), name);
  writeFileSync(path, content);
  return {
    path,
    kind,
    nodeId: '12',
    bytes: Buffer.byteLength(content),
    ref: { filename: name, subfolder: '', type: 'output' },
  };
}

/** Resolves with the next `event` payload that passes `match`. */
export function nextEvent<E extends EventName>(
  events: EventBus,
  event: E,
  match: (p: EventPayload<E>) => boolean = () => true,
): Promise<EventPayload<E>> {
  return new Promise((resolve) => {
    const off = events.on(event, (payload) => {
      if (!match(payload)) return;
      off();
      resolve(payload);
    });
  });
}
