/**
 * Data test set-up: a library filled with finished jobs' outputs (a real file and thumbnail each, rows as the
 * library records them), corrupting a database file, and reading a database file on its own.
 */
import { closeSync, existsSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Output } from '@shared/library';
import type { Library } from '@core/library/library';
import { dayFolder } from '@core/library/naming';
import type { Store } from '@core/store';
import { openRawDatabase } from '@core/store/db';

export interface SeedItem {
  userId?: string;
  guildId?: string | null;
  createdAt: number;
  /** The size the row records (files are a few bytes; rules count this). */
  bytes?: number;
  favourite?: boolean;
}

let seq = 0;

/**
 * Finished jobs with one output each: the file in its day folder, its thumbnail, the row. Waits for the core's
 * start-up orphan scan first (it would find a file whose row is not written yet).
 */
export async function seedOutputs(
  core: { store: Store; library: Pick<Library, 'dir' | 'thumbnailPathFor'>; data: { idle(): Promise<void> } },
  items: readonly SeedItem[],
): Promise<Output[]> {
  const { store, library } = core;
  await core.data.idle();
  const made: Output[] = [];
  for (const item of items) {
    const n = ++seq;
    const userId = item.userId ?? 'desktop';
    store.users.upsert(userId, userId);
    if (item.guildId && !store.guilds.get(item.guildId)) store.guilds.upsert(item.guildId, `server ${item.guildId}`);
    const jobId = `seed-${n}`;
    store.db
      .prepare(
        `INSERT INTO jobs (id, number, source, user_id, guild_id, workflow, params, prompt, status, created_at, ended_at, updated_at)
         VALUES (?, (SELECT COALESCE(MAX(number), 0) + 1 FROM jobs), ?, ?, ?, 'sdxl-txt2img', '{}', ?, 'done', ?, ?, ?)`,
      )
      .run(
        jobId,
        userId === 'desktop' ? 'desktop' : 'discord',
        userId,
        item.guildId ?? null,
        `seed ${n}`,
        item.createdAt,
        item.createdAt,
        item.createdAt,
      );
    const filePath = join(library.dir, dayFolder(item.createdAt), `seed-${n}.png`);
    mkdirSync(dirname(filePath), { recursive: true });
    await writeFile(filePath, `png ${n}`);
    const output = store.outputs.add({
      jobId,
      filePath,
      kind: 'image',
      mime: 'image/png',
      width: 64,
      height: 64,
      bytes: item.bytes ?? 1024 * 1024,
      userId,
      guildId: item.guildId ?? null,
      workflow: 'sdxl-txt2img',
      prompt: `seed ${n}`,
      negative: '',
      seed: n,
      createdAt: item.createdAt,
    });
    const thumb = library.thumbnailPathFor(output);
    mkdirSync(dirname(thumb), { recursive: true });
    await writeFile(thumb, `webp ${n}`);
    store.outputs.setThumbnail(output.id, thumb);
    if (item.favourite) store.outputs.setFavourite(output.id, true);
    made.push(store.outputs.get(output.id)!);
  }
  return made;
}

/** Overwrite bytes in the middle of a database file (whole pages of garbage, past the schema page). */
export function corrupt(file: string): void {
  const size = statSync(file).size;
  const fd = openSync(file, 'r+');
  try {
    const junk = Buffer.alloc(4096 * 3, 0xa5);
    writeSync(fd, junk, 0, junk.length, Math.max(4096 * 2, Math.floor(size / 2 / 4096) * 4096));
  } finally {
    closeSync(fd);
  }
}

/** Run `fn` on a read-only connection to a database file. */
export function readDatabase<T>(file: string, fn: (db: ReturnType<typeof openRawDatabase>) => T): T {
  const db = openRawDatabase(file, { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** Every output's file and thumbnail exist, and no file in the day folders lacks a row. */
export function filesOf(outputs: readonly Output[]): { missingFiles: number; missingThumbs: number } {
  return {
    missingFiles: outputs.filter((o) => !existsSync(o.filePath)).length,
    missingThumbs: outputs.filter((o) => o.thumbnailPath && !existsSync(o.thumbnailPath)).length,
  };
}
