/**
 * Download failures as a person reads them: what happened and what to do about it, never a stack trace or a raw
 * error code. `DownloadError.kind` is what a program switches on.
 */
import type { DownloadErrorKind, DownloadService } from '@shared/downloads';
import { serviceOf, SERVICE_NAMES, tokenHelp, type ServiceHosts } from './hosts';

export class DownloadError extends Error {
  override readonly name = 'DownloadError';
  constructor(
    readonly kind: DownloadErrorKind,
    message: string,
    /** Worth another try on the same address (a dropped connection, a busy server). */
    readonly retryable = false,
  ) {
    super(message);
  }
}

/** 1536 → "1.5 kB"; 6938078334 → "6.94 GB" (decimal units, as download sites show sizes). */
export function formatBytes(n: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB'];
  let value = n;
  let i = 0;
  while (value >= 1000 && i < units.length - 1) {
    value /= 1000;
    i++;
  }
  if (i === 0) return `${n} bytes`;
  return `${value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)} ${units[i]}`;
}

const RETRY = 'The part already downloaded is kept: start the download again to go on from there.';

function codeOf(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A connection that failed or broke, naming the host. */
export function networkError(err: unknown, url: URL): DownloadError {
  const host = url.host;
  const code = codeOf(err);
  const why =
    code === 'ENOTFOUND' || code === 'EAI_AGAIN'
      ? `the name ${url.hostname} was not found (no internet, or a typo in the link?)`
      : code === 'ECONNREFUSED'
        ? 'it refused the connection'
        : code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT'
          ? 'it did not answer in time'
          : code === 'UND_ERR_HEADERS_TIMEOUT'
            ? 'it accepted the connection but did not answer in time'
            : code === 'UND_ERR_BODY_TIMEOUT'
              ? 'it stopped sending in the middle of the file'
              : 'the connection broke';
  return new DownloadError(
    'unreachable',
    `Could not download from ${host}: ${why}. Check the internet connection (or whether ${host} is up) and try again. ${RETRY}`,
    true,
  );
}

/** A refusal or failure by HTTP status. */
export function statusError(
  status: number,
  url: URL,
  o: { hosts: ServiceHosts; tokenSent: boolean; dir: string },
): DownloadError {
  const host = url.host;
  if (status === 401 || status === 403) {
    const service: DownloadService | null = serviceOf(url, o.hosts);
    if (service) return new DownloadError('auth', tokenHelp(service, url, o.tokenSent));
    return new DownloadError(
      'auth',
      `${host} refused the download (HTTP ${status}): the file is private or needs a login ComfyDesk does not have. ` +
        `Download it in your browser and put it in ${o.dir} yourself.`,
    );
  }
  if (status === 404 || status === 410) {
    const where = serviceOf(url, o.hosts);
    return new DownloadError(
      'not-found',
      `${where ? SERVICE_NAMES[where] : host} has no file at ${url.origin}${url.pathname} (HTTP ${status}). Check the link ` +
        '(copy it again from the model page); the file may have been moved or removed.',
    );
  }
  if (status === 429) {
    return new DownloadError(
      'http',
      `${host} is limiting downloads right now (HTTP 429). Try again in a few minutes.`,
      true,
    );
  }
  if (status >= 500) {
    return new DownloadError(
      'http',
      `${host} had a problem answering (HTTP ${status}). Try again later. ${RETRY}`,
      true,
    );
  }
  return new DownloadError(
    'http',
    `${host} refused the download (HTTP ${status}). Check the link (copy it again from the model page) and try again.`,
  );
}

/** A web page where a file was expected. */
export function notAFileError(url: URL): DownloadError {
  return new DownloadError(
    'not-a-file',
    `${url.host} answered with a web page, not a file: the link is probably a page (open it and copy the file's ` +
      'download link), or the site wants a login first.',
  );
}

/** A failure of the disk under `dir` (full, read-only, gone). */
export function diskError(err: unknown, dir: string): DownloadError {
  const code = codeOf(err);
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new DownloadError(
      'disk',
      `The drive of ${dir} is full. Free up space there, then start the download again.`,
    );
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new DownloadError(
      'destination',
      `ComfyDesk may not write into ${dir}. Give your user write access to that folder, then start the download again.`,
    );
  }
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new DownloadError(
      'destination',
      `The folder ${dir} is gone (a drive unplugged, or ComfyUI moved?). Check the ComfyUI folder in Settings → ComfyUI, then start the download again.`,
    );
  }
  return new DownloadError(
    'destination',
    `Writing into ${dir} failed: the drive reported an error. Check that drive (unplugged, failing?), then start the download again.`,
  );
}
