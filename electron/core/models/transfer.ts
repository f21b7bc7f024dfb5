/**
 * One file's transfer into `<dir>/<name>.part`, then checked and renamed to `<name>`:
 *
 * - resumes with `Range` (and `If-Range` with the host's ETag or Last-Modified) after a dropped connection and
 *   from a part left by an earlier run, whose bytes are hashed first; a host that sends the whole file again
 *   (the file changed, or ranges are not supported) starts it over;
 * - follows redirects, sending a token only to the original host (http-get.ts);
 * - refuses before the first byte when the drive lacks the space still needed plus a margin;
 * - tries the next address of a catalogue entry when one refuses or fails;
 * - checks the SHA-256 (or, with none published, the size) before the rename; a mismatch deletes the part.
 */
import path from 'node:path';
import type { Dispatcher } from 'undici';
import type { DownloadService } from '@shared/downloads';
import type { Clock } from '@core/clock';
import { DownloadError, diskError, formatBytes, networkError, notAFileError, statusError } from './download-errors';
import { chooseFileName } from './file-name';
import { serviceOf, type ServiceHosts } from './hosts';
import {
  contentLength,
  openFollowing,
  parseContentRange,
  RedirectLoopError,
  type DownloadTimeouts,
  type OpenedResponse,
} from './http-get';
import { PartFile, TargetExistsError } from './part-file';

export interface Validator {
  etag: string | null;
  lastModified: string | null;
}

export interface TransferTarget {
  urls: readonly string[];
  /** The address a previous run used (its validator is `validator`). */
  urlIndex: number;
  validator: Validator;
  dir: string;
  /** Null for a link: the host names it. */
  file: string | null;
  expectedBytes: number | null;
  sha256: string | null;
}

export interface TransferHooks {
  /** A link's file name is known; throws a DownloadError to refuse it (e.g. it exists). */
  named(file: string): void;
  /** The host accepted: where a restart must resume from. */
  accepted(info: { urlIndex: number; totalBytes: number | null } & Validator): void;
  progress(bytesDone: number, totalBytes: number | null): void;
  verifying(): void;
}

export interface TransferDeps {
  dispatcher: Dispatcher;
  clock: Clock;
  timeouts: DownloadTimeouts;
  /** Waits between tries of one address when the connection drops without progress (its length = tries). */
  retryDelaysMs: readonly number[];
  /** Free bytes on the drive of a folder. */
  freeSpace(dir: string): Promise<number>;
  /** Bytes kept free beyond the file itself. */
  spareBytes(total: number): number;
  hosts: ServiceHosts;
  /** The token of a service, or null. */
  token(service: DownloadService): string | null;
}

export interface TransferResult {
  file: string;
  bytes: number;
  sha256: string;
  note: string | null;
}

/** Refuse before the first byte when the drive cannot hold what is still to come. */
async function checkSpace(deps: TransferDeps, dir: string, file: string, total: number, have: number): Promise<void> {
  const need = total - have;
  if (need <= 0) return;
  const spare = deps.spareBytes(total);
  const free = await deps.freeSpace(dir).catch(() => Infinity);
  if (free >= need + spare) return;
  throw new DownloadError(
    'disk',
    `Not enough free space for ${file} in ${dir}: it needs ${formatBytes(need + spare)} (${formatBytes(need)} still to ` +
      `download plus ${formatBytes(spare)} to spare) and only ${formatBytes(free)} is free. Free up ` +
      `${formatBytes(need + spare - free)} on that drive, then start the download again.`,
  );
}

const isAbort = (err: unknown, signal: AbortSignal): boolean => signal.aborted || (err as Error)?.name === 'AbortError';

/** Wait on the clock; a cancel ends the wait at once. */
function wait(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clock.clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Disk calls of the part file, their failures turned into readable errors. */
function writeChunk(part: PartFile, chunk: Buffer, dir: string): boolean {
  try {
    return part.write(chunk);
  } catch (err) {
    throw diskError(err, dir);
  }
}
async function drain(part: PartFile, dir: string): Promise<void> {
  await part.drain().catch((err: unknown) => {
    throw diskError(err, dir);
  });
}
async function flush(part: PartFile, dir: string): Promise<void> {
  await part.flush().catch((err: unknown) => {
    throw diskError(err, dir);
  });
}

export async function runTransfer(
  t: TransferTarget,
  deps: TransferDeps,
  hooks: TransferHooks,
  signal: AbortSignal,
): Promise<TransferResult> {
  let urlIndex = Math.min(t.urlIndex, t.urls.length - 1);
  let validator: Validator | null = t.validator.etag || t.validator.lastModified ? t.validator : null;
  let file = t.file;
  let part: PartFile | null = null;
  const failures: DownloadError[] = [];

  const openPart = async (name: string, keep: boolean): Promise<PartFile> => {
    try {
      return await PartFile.open(path.join(t.dir, `${name}.part`), keep, signal);
    } catch (err) {
      if (isAbort(err, signal)) throw err;
      throw diskError(err, t.dir);
    }
  };

  try {
    // An earlier part is worth keeping when its origin can be checked: a validator, or a published hash.
    if (file) part = await openPart(file, validator !== null || t.sha256 !== null);
    let total: number | null = null;
    addresses: for (;;) {
      const url = new URL(t.urls[urlIndex]!);
      const service = serviceOf(url, deps.hosts);
      const token = service ? deps.token(service) : null;
      let tries = 0;
      for (;;) {
        signal.throwIfAborted();
        const have = part?.size ?? 0;
        const headers: Record<string, string> = {};
        if (have > 0) {
          headers['range'] = `bytes=${have}-`;
          const v = validator?.etag ?? validator?.lastModified;
          if (v) headers['if-range'] = v;
        }
        let res: OpenedResponse;
        try {
          res = await openFollowing(url, {
            dispatcher: deps.dispatcher,
            timeouts: deps.timeouts,
            headers,
            authorization: token ? `Bearer ${token}` : null,
            signal,
          });
        } catch (err) {
          if (isAbort(err, signal)) throw err;
          const e =
            err instanceof RedirectLoopError
              ? new DownloadError(
                  'http',
                  `${url.host} sent the download round in circles (too many redirects). Try again later.`,
                )
              : networkError(err, url);
          if (e.retryable && tries < deps.retryDelaysMs.length) {
            await wait(deps.clock, deps.retryDelaysMs[tries++]!, signal);
            continue;
          }
          failures.push(e);
          break;
        }
        const failWith = async (e: DownloadError): Promise<'retry' | 'next'> => {
          await res.body.dump().catch(() => {});
          if (e.retryable && tries < deps.retryDelaysMs.length) {
            await wait(deps.clock, deps.retryDelaysMs[tries++]!, signal);
            return 'retry';
          }
          failures.push(e);
          return 'next';
        };
        const answered = res.url;
        if (res.status === 416) {
          // Nothing left after `have`: complete when the host's size says so, else start over.
          await res.body.dump().catch(() => {});
          const size = /\/(\d+)\s*$/.exec(res.headers['content-range'] ?? '')?.[1];
          if (part && have > 0 && size !== undefined && Number(size) === have) {
            total = have;
            break addresses;
          }
          if (part) await part.truncate();
          validator = null;
          if (tries++ >= deps.retryDelaysMs.length) {
            failures.push(statusError(416, answered, { hosts: deps.hosts, tokenSent: res.authorized, dir: t.dir }));
            break;
          }
          continue;
        }
        if (res.status !== 200 && res.status !== 206) {
          // Named after the host that refused: a CDN's 403 is not a token problem of the site that sent us there.
          const e = statusError(res.status, answered, { hosts: deps.hosts, tokenSent: res.authorized, dir: t.dir });
          if ((await failWith(e)) === 'retry') continue;
          break;
        }
        if (/^text\/html\b/i.test(res.headers['content-type'] ?? '')) {
          if ((await failWith(notAFileError(url))) === 'retry') continue;
          break;
        }
        let start = 0;
        if (res.status === 206) {
          const range = parseContentRange(res.headers['content-range']);
          if (!range || !part || range.start !== have) {
            // Not the part we asked for: take nothing from it and ask for the whole file.
            await res.body.dump().catch(() => {});
            if (part) await part.truncate();
            validator = null;
            if (tries++ >= deps.retryDelaysMs.length) {
              failures.push(
                new DownloadError('http', `${answered.host} answered a resumed download wrongly. Try again later.`),
              );
              break;
            }
            continue;
          }
          start = range.start;
          total = range.total;
        } else {
          total = contentLength(res.headers);
          if (part && part.size > 0) await part.truncate();
        }
        if (!file) {
          const name = chooseFileName(res.headers['content-disposition'], url, answered);
          if (!name) {
            await res.body.dump().catch(() => {});
            throw new DownloadError(
              'http',
              `${url.host} did not say what the file is called. Download it in your browser and put it in ${t.dir} yourself.`,
            );
          }
          try {
            hooks.named(name);
          } catch (err) {
            await res.body.dump().catch(() => {});
            throw err;
          }
          file = name;
        }
        const expectedTotal = total ?? t.expectedBytes;
        if (expectedTotal !== null) {
          try {
            await checkSpace(deps, t.dir, file, expectedTotal, start);
          } catch (err) {
            await res.body.dump().catch(() => {});
            throw err;
          }
        }
        // A link's part file is made once its name is known and the drive can hold it.
        if (!part) {
          try {
            part = await openPart(file, false);
          } catch (err) {
            await res.body.dump().catch(() => {});
            throw err;
          }
        }
        validator = { etag: res.headers['etag'] ?? null, lastModified: res.headers['last-modified'] ?? null };
        hooks.accepted({ urlIndex, totalBytes: total, ...validator });
        const p = part!;
        const before = p.size;
        let cut: unknown = null;
        try {
          for await (const chunk of res.body as AsyncIterable<Buffer>) {
            if (!writeChunk(p, chunk, t.dir)) await drain(p, t.dir);
            hooks.progress(p.size, expectedTotal);
          }
        } catch (err) {
          if (isAbort(err, signal) || err instanceof DownloadError) throw err;
          cut = err;
        }
        await flush(p, t.dir);
        if (cut !== null || (total !== null && p.size < total)) {
          // The connection dropped, or the body ended early: go on from what is on disk.
          if (p.size > before) tries = 0;
          if (tries < deps.retryDelaysMs.length) {
            await wait(deps.clock, deps.retryDelaysMs[tries++]!, signal);
            continue;
          }
          failures.push(networkError(cut, answered));
          break;
        }
        break addresses;
      }
      // This address failed: the next one, if any. Its bytes are kept only when the hash can vouch for them.
      if (urlIndex + 1 >= t.urls.length) {
        throw failures.find((f) => f.kind === 'auth') ?? failures[0]!;
      }
      urlIndex++;
      validator = null;
      if (part && t.sha256 === null) await part.truncate();
    }
    return await finish(t, part!, file!, total, hooks);
  } catch (err) {
    if (err instanceof TargetExistsError) {
      // Someone put a file of that name there meanwhile: it stays, the (complete) part goes.
      await part?.remove();
      throw existsError(file!, t.dir);
    }
    if (part) await part.close();
    throw err;
  }
}

function existsError(file: string, dir: string): DownloadError {
  return new DownloadError(
    'exists',
    `${file} is already in ${dir}: nothing was overwritten. Delete or rename that file first if you want to download it again.`,
  );
}

/** Check the size and hash, then rename the part to the real name. */
async function finish(
  t: TransferTarget,
  part: PartFile,
  file: string,
  total: number | null,
  hooks: TransferHooks,
): Promise<TransferResult> {
  hooks.verifying();
  await part.flush();
  const bytes = part.size;
  const sha256 = part.digest();
  let note: string | null = null;
  if (t.sha256 !== null) {
    if (sha256 !== t.sha256) {
      await part.remove();
      throw new DownloadError(
        'hash',
        `The downloaded ${file} is not the published file: its SHA-256 is ${sha256.slice(0, 12)}…, the catalogue says ` +
          `${t.sha256.slice(0, 12)}… (damaged on the way, or changed on the host). The partial file was deleted; start ` +
          'the download again.',
      );
    }
    if (t.expectedBytes !== null && bytes !== t.expectedBytes) {
      note = `The file has ${bytes} bytes, not the ${t.expectedBytes} the catalogue says; its SHA-256 matches, so it was kept.`;
    }
  } else {
    const expected = t.expectedBytes ?? total;
    if (expected !== null && bytes !== expected) {
      await part.remove();
      throw new DownloadError(
        'size',
        `The downloaded ${file} has ${formatBytes(bytes)}, not the ${formatBytes(expected)} expected. The partial file ` +
          'was deleted; start the download again.',
      );
    }
    note =
      expected !== null
        ? 'No SHA-256 is published for this file: only its size was checked.'
        : 'No SHA-256 or size is published for this file: it could not be checked.';
  }
  try {
    await part.commit(path.join(t.dir, file));
  } catch (err) {
    if (err instanceof TargetExistsError) throw err;
    throw diskError(err, t.dir);
  }
  return { file, bytes, sha256, note };
}
