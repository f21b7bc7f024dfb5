/**
 * Where a library file goes and what it is called: per-day folders (local date), readable names
 * `<HHMMSS>-<workflow>-<seed>-<n>.<ext>`, placed without ever overwriting an existing file.
 */
import { constants } from 'node:fs';
import { copyFile, link, unlink } from 'node:fs/promises';
import { join } from 'node:path';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `YYYY-MM-DD` of a timestamp in local time (the day the user saw it made). */
export function dayFolder(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** `HHMMSS` in local time. */
export function timeOfDay(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
}

/** Lower-case letters, digits and single dashes; never empty. */
export function slug(text: string, max = 40): string {
  const s = text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
  return s || 'output';
}

/** The readable stem of an output file (without extension or collision suffix). */
export function outputStem(createdAt: number, workflow: string, seed: number | null, index: number): string {
  return [timeOfDay(createdAt), slug(workflow), ...(seed !== null ? [String(seed)] : []), String(index)].join('-');
}

/** Link errors meaning "this file system cannot hard-link here": fall back to copying. */
const NO_LINK = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK']);

const errCode = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | null)?.code;

/**
 * Move `src` into `dir` as `<stem><suffix><ext>`, the first name not already taken (`-2`, `-3`, ...). A hard
 * link then unlink is atomic and fails instead of overwriting, so two writers can never take the same name;
 * where links are impossible an exclusive copy does the same. `taken` skips names held elsewhere (the index).
 * Returns the new path.
 */
export async function placeExclusive(
  src: string,
  dir: string,
  stem: string,
  ext: string,
  taken: (path: string) => boolean = () => false,
): Promise<string> {
  for (let attempt = 1; attempt < 10_000; attempt++) {
    const dest = join(dir, `${stem}${attempt === 1 ? '' : `-${attempt}`}${ext}`);
    if (taken(dest)) continue;
    try {
      await linkOrCopy(src, dest);
    } catch (err) {
      if (errCode(err) === 'EEXIST') continue;
      throw err;
    }
    await unlink(src).catch((err: unknown) => {
      if (errCode(err) !== 'ENOENT') throw err;
    });
    return dest;
  }
  throw new Error(`no free file name for ${stem}${ext} in ${dir}`);
}

let linksWork = true;

async function linkOrCopy(src: string, dest: string): Promise<void> {
  if (linksWork) {
    try {
      await link(src, dest);
      return;
    } catch (err) {
      const code = errCode(err);
      if (!code || !NO_LINK.has(code)) throw err;
      if (code !== 'EXDEV') linksWork = false;
    }
  }
  await copyFile(src, dest, constants.COPYFILE_EXCL);
}
