/**
 * Model downloads (the `downloads` table, migration 005): what was asked for, where it goes, how far it got and
 * the host's validator, so a download resumes from its `.part` file after a restart.
 */
import { z } from 'zod';
import {
  DownloadErrorKindSchema,
  DownloadFolderSchema,
  DownloadStateSchema,
  type DownloadErrorKind,
  type DownloadFolder,
  type DownloadState,
  type DownloadView,
} from '@shared/downloads';
import type { Db } from './db';
import { readJson, toJson } from './json';

export interface DownloadRecord {
  id: string;
  seq: number;
  state: DownloadState;
  source: 'catalog' | 'url';
  backendId: string | null;
  folder: DownloadFolder;
  file: string | null;
  dir: string;
  /** The addresses to try, in order. */
  urls: string[];
  /** The one in use (its validator is `etag` / `lastModified`). */
  urlIndex: number;
  expectedBytes: number | null;
  sha256: string | null;
  totalBytes: number | null;
  bytesDone: number;
  etag: string | null;
  lastModified: string | null;
  error: { kind: DownloadErrorKind; message: string } | null;
  note: string | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

export type NewDownload = Pick<
  DownloadRecord,
  'id' | 'source' | 'backendId' | 'folder' | 'file' | 'dir' | 'urls' | 'expectedBytes' | 'sha256'
>;

/** Fields a running download changes. */
export type DownloadPatch = Partial<
  Pick<
    DownloadRecord,
    'file' | 'urlIndex' | 'totalBytes' | 'bytesDone' | 'etag' | 'lastModified' | 'error' | 'note' | 'finishedAt'
  >
>;

interface Row {
  id: string;
  seq: number;
  state: string;
  source: string;
  backend_id: string | null;
  folder: string;
  file: string | null;
  dir: string;
  urls: string;
  url_index: number;
  expected_bytes: number | null;
  sha256: string | null;
  total_bytes: number | null;
  bytes_done: number;
  etag: string | null;
  last_modified: string | null;
  error_kind: string | null;
  error: string | null;
  note: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

const COLUMNS: Record<keyof DownloadPatch, string> = {
  file: 'file',
  urlIndex: 'url_index',
  totalBytes: 'total_bytes',
  bytesDone: 'bytes_done',
  etag: 'etag',
  lastModified: 'last_modified',
  error: 'error',
  note: 'note',
  finishedAt: 'finished_at',
};

function toRecord(r: Row): DownloadRecord {
  const kind = DownloadErrorKindSchema.safeParse(r.error_kind);
  return {
    id: r.id,
    seq: r.seq,
    state: DownloadStateSchema.catch('failed').parse(r.state),
    source: r.source === 'url' ? 'url' : 'catalog',
    backendId: r.backend_id,
    folder: DownloadFolderSchema.catch('checkpoints').parse(r.folder),
    file: r.file,
    dir: r.dir,
    urls: readJson(z.array(z.string()), r.urls, []),
    urlIndex: r.url_index,
    expectedBytes: r.expected_bytes,
    sha256: r.sha256,
    totalBytes: r.total_bytes,
    bytesDone: r.bytes_done,
    etag: r.etag,
    lastModified: r.last_modified,
    error: r.error !== null ? { kind: kind.success ? kind.data : 'http', message: r.error } : null,
    note: r.note,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at,
  };
}

/** What clients see of a download. */
export function downloadView(d: DownloadRecord): DownloadView {
  return {
    id: d.id,
    state: d.state,
    source: d.source,
    backendId: d.backendId,
    folder: d.folder,
    file: d.file,
    dir: d.dir,
    url: d.urls[d.urlIndex] ?? d.urls[0] ?? '',
    totalBytes: d.totalBytes ?? d.expectedBytes,
    bytesDone: d.bytesDone,
    sha256: d.sha256,
    error: d.error,
    note: d.note,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    finishedAt: d.finishedAt,
  };
}

export class DownloadsRepo {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  create(d: NewDownload): DownloadRecord {
    const at = this.now();
    this.db
      .prepare(
        `INSERT INTO downloads (id, seq, state, source, backend_id, folder, file, dir, urls, expected_bytes, sha256,
                                created_at, updated_at)
         VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM downloads), 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(d.id, d.source, d.backendId, d.folder, d.file, d.dir, toJson(d.urls), d.expectedBytes, d.sha256, at, at);
    return this.get(d.id)!;
  }

  get(id: string): DownloadRecord | null {
    const row = this.db.prepare('SELECT * FROM downloads WHERE id = ?').get(id) as Row | undefined;
    return row ? toRecord(row) : null;
  }

  /** Newest first. */
  list(limit = 200): DownloadRecord[] {
    return (this.db.prepare('SELECT * FROM downloads ORDER BY seq DESC LIMIT ?').all(limit) as Row[]).map(toRecord);
  }

  /** Queued, running and verifying downloads, in queue order. */
  active(): DownloadRecord[] {
    return (
      this.db
        .prepare(`SELECT * FROM downloads WHERE state IN ('queued', 'downloading', 'verifying') ORDER BY seq`)
        .all() as Row[]
    ).map(toRecord);
  }

  /** The latest download of this file into this folder (any state), if any. */
  latestFor(dir: string, file: string): DownloadRecord | null {
    const row = this.db
      .prepare('SELECT * FROM downloads WHERE dir = ? AND file = ? ORDER BY seq DESC LIMIT 1')
      .get(dir, file) as Row | undefined;
    return row ? toRecord(row) : null;
  }

  /** Change the state (and other fields) in one write. */
  setState(id: string, state: DownloadState, patch: DownloadPatch = {}): DownloadRecord {
    this.write(id, patch, state);
    return this.get(id)!;
  }

  update(id: string, patch: DownloadPatch): DownloadRecord {
    this.write(id, patch);
    return this.get(id)!;
  }

  /** Downloads that were running when the app stopped go back to the queue (their `.part` files are kept). */
  requeueInterrupted(): number {
    return this.db
      .prepare(`UPDATE downloads SET state = 'queued', updated_at = ? WHERE state IN ('downloading', 'verifying')`)
      .run(this.now()).changes;
  }

  private write(id: string, patch: DownloadPatch, state?: DownloadState): void {
    const sets: string[] = ['updated_at = ?'];
    const values: unknown[] = [this.now()];
    if (state) {
      sets.push('state = ?');
      values.push(state);
    }
    for (const [key, value] of Object.entries(patch) as Array<[keyof DownloadPatch, unknown]>) {
      if (value === undefined) continue;
      if (key === 'error') {
        const error = value as DownloadRecord['error'];
        sets.push('error_kind = ?', 'error = ?');
        values.push(error?.kind ?? null, error?.message ?? null);
        continue;
      }
      sets.push(`${COLUMNS[key]} = ?`);
      values.push(value);
    }
    this.db.prepare(`UPDATE downloads SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
  }
}
