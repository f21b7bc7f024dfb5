/** Small disk look-ups of the downloader: a file's size, and the free space of a drive. */
import { stat, statfs } from 'node:fs/promises';
import path from 'node:path';

/** The size of a file, or `missing` when there is none. */
export async function fileSize(file: string, missing = 0): Promise<number> {
  return stat(file).then(
    (s) => s.size,
    () => missing,
  );
}

/** Free bytes for an unprivileged user on the drive of `dir` (or of its nearest existing parent). */
export async function defaultFreeSpace(dir: string): Promise<number> {
  for (let d = dir; ; d = path.dirname(d)) {
    try {
      const s = await statfs(d);
      return s.bavail * s.bsize;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || path.dirname(d) === d) throw err;
    }
  }
}

/** `<dir>/<file>.part`: where a download writes until the file is complete and checked. */
export const partPath = (dir: string, file: string): string => path.join(dir, `${file}.part`);
