/**
 * Make an output fit a byte limit (Discord's upload limit): still images step through high-quality JPEG
 * (or WebP when transparent) and then smaller sizes; animated WebP/GIF are re-encoded and downscaled with
 * sharp; videos are re-encoded with ffmpeg when it is on PATH. Derived files go to a cache folder (reused
 * when asked again); the original is never touched. When nothing fits, says why so delivery can link instead.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, rename, stat, unlink } from 'node:fs/promises';
import { extname, join } from 'node:path';
import sharp, { type Metadata, type Sharp } from 'sharp';
import { FfmpegError, findOnPath, parseDuration, runFfmpeg } from './ffmpeg';
import { mediaType } from './media-types';

export interface FitOptions {
  /** Where derived files are written. */
  cacheDir: string;
  /** ffmpeg for videos; absent = looked up on PATH; null = videos cannot be shrunk. */
  ffmpegPath?: string | null;
}

export interface Fitted {
  path: string;
  bytes: number;
  mime: string;
  /** What was done, for a note beside the file ("JPEG quality 92", "downscaled to 50% (1024×1024), ..."); null = the original. */
  transformed: string | null;
}
export interface TooLarge {
  tooLarge: true;
  /** Size of the original. */
  bytes: number;
  reason: string;
}
export type FitResult = Fitted | TooLarge;

export const isTooLarge = (r: FitResult): r is TooLarge => 'tooLarge' in r;

type ImageFormat = 'jpeg' | 'webp' | 'gif';
interface ImageStep {
  format: ImageFormat;
  quality: number;
  scale: number;
}

const MIME: Record<ImageFormat, string> = { jpeg: 'image/jpeg', webp: 'image/webp', gif: 'image/gif' };
const EXT: Record<ImageFormat, string> = { jpeg: '.jpg', webp: '.webp', gif: '.gif' };

const OPAQUE_STEPS: ImageStep[] = [
  { format: 'jpeg', quality: 92, scale: 1 },
  { format: 'webp', quality: 90, scale: 1 },
  { format: 'jpeg', quality: 85, scale: 1 },
  { format: 'jpeg', quality: 85, scale: 0.75 },
  { format: 'jpeg', quality: 85, scale: 0.5 },
  { format: 'jpeg', quality: 80, scale: 0.35 },
  { format: 'jpeg', quality: 80, scale: 0.25 },
];
const TRANSPARENT_STEPS: ImageStep[] = [
  { format: 'webp', quality: 90, scale: 1 },
  { format: 'webp', quality: 82, scale: 1 },
  { format: 'webp', quality: 82, scale: 0.75 },
  { format: 'webp', quality: 80, scale: 0.5 },
  { format: 'webp', quality: 78, scale: 0.35 },
  { format: 'webp', quality: 75, scale: 0.25 },
];
const animatedSteps = (format: 'webp' | 'gif'): ImageStep[] => [
  { format, quality: 80, scale: 1 },
  { format, quality: 70, scale: 0.75 },
  { format, quality: 65, scale: 0.5 },
  { format, quality: 60, scale: 0.35 },
];
/** Still images up to this many pixels are decoded once and re-encoded from memory. */
const MAX_DECODED_PIXELS = 40_000_000;
/** Video heights tried, largest first. */
const VIDEO_HEIGHTS = [720, 540, 360];

const mb = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`);

export async function fitToLimit(path: string, limitBytes: number, opts: FitOptions): Promise<FitResult> {
  const info = await stat(path);
  const type = mediaType(path);
  const mime = type?.mime ?? 'application/octet-stream';
  if (info.size <= limitBytes) return { path, bytes: info.size, mime, transformed: null };
  const key = createHash('sha1').update(`${path}|${info.size}|${info.mtimeMs}`).digest('hex').slice(0, 16);
  const tooLarge = (reason: string): TooLarge => ({ tooLarge: true, bytes: info.size, reason });
  if (!type)
    return tooLarge(
      `${mb(info.size)} is over the ${mb(limitBytes)} limit and this kind of file cannot be made smaller`,
    );
  await mkdir(opts.cacheDir, { recursive: true });
  if (type.kind === 'video') {
    const ffmpeg = opts.ffmpegPath === undefined ? findOnPath('ffmpeg') : opts.ffmpegPath;
    if (!ffmpeg) {
      return tooLarge(
        `the video is ${mb(info.size)}, over the ${mb(limitBytes)} limit, and ffmpeg is not installed to re-encode it`,
      );
    }
    return (
      (await fitVideo(path, limitBytes, ffmpeg, opts.cacheDir, key)) ??
      tooLarge(
        `even re-encoded at ${VIDEO_HEIGHTS[VIDEO_HEIGHTS.length - 1]}p the video does not fit the ${mb(limitBytes)} limit`,
      )
    );
  }
  return fitImage(path, limitBytes, opts.cacheDir, key, tooLarge);
}

async function fitImage(
  path: string,
  limitBytes: number,
  cacheDir: string,
  key: string,
  tooLarge: (reason: string) => TooLarge,
): Promise<FitResult> {
  let meta: Metadata;
  try {
    meta = await sharp(path).metadata();
  } catch (err) {
    return tooLarge(`the image could not be read to make it smaller (${(err as Error).message})`);
  }
  const width = meta.autoOrient?.width ?? meta.width ?? 0;
  const height = meta.pageHeight ?? meta.autoOrient?.height ?? meta.height ?? 0;
  const animated = (meta.pages ?? 1) > 1 && (meta.format === 'webp' || meta.format === 'gif');
  let steps: ImageStep[];
  if (animated) steps = animatedSteps(meta.format === 'gif' ? 'gif' : 'webp');
  else steps = meta.hasAlpha && !(await sharp(path).stats()).isOpaque ? TRANSPARENT_STEPS : OPAQUE_STEPS;
  // Decode a still image once (when its pixels fit in memory comfortably), not once per step.
  const decoded =
    !animated && width * height <= MAX_DECODED_PIXELS
      ? await sharp(path).rotate().raw().toBuffer({ resolveWithObject: true })
      : null;
  const input = (): Sharp =>
    decoded ? sharp(decoded.data, { raw: decoded.info }) : sharp(path, { animated }).rotate();
  for (const step of steps) {
    const w = Math.max(1, Math.round(width * step.scale));
    const h = Math.max(1, Math.round(height * step.scale));
    const dest = join(
      cacheDir,
      `${key}-${step.format}-q${step.quality}-s${Math.round(step.scale * 100)}${EXT[step.format]}`,
    );
    const bytes = await cached(dest, async (tmp) => {
      let image = input();
      if (step.scale < 1) image = image.resize({ width: w });
      if (step.format === 'jpeg')
        image = image.flatten({ background: '#ffffff' }).jpeg({ quality: step.quality, optimiseCoding: true });
      else if (step.format === 'webp') image = image.webp({ quality: step.quality, effort: 3 });
      else image = image.gif({ effort: 7, colours: step.scale < 1 ? 128 : 256 });
      await image.toFile(tmp);
    });
    if (bytes <= limitBytes) {
      const what =
        step.format === 'gif' ? 'GIF' : `${step.format === 'jpeg' ? 'JPEG' : 'WebP'} quality ${step.quality}`;
      const transformed =
        step.scale < 1
          ? `downscaled to ${Math.round(step.scale * 100)}% (${w}×${h}), ${what}`
          : `re-encoded as ${what}`;
      return { path: dest, bytes, mime: MIME[step.format], transformed };
    }
  }
  const last = steps[steps.length - 1]!;
  return tooLarge(`even at ${Math.round(last.scale * 100)}% size the image does not fit the ${mb(limitBytes)} limit`);
}

async function fitVideo(
  path: string,
  limitBytes: number,
  ffmpeg: string,
  cacheDir: string,
  key: string,
): Promise<Fitted | null> {
  const probe = await runFfmpeg(ffmpeg, ['-hide_banner', '-nostdin', '-i', path], 30_000).catch((err: unknown) => {
    if (err instanceof FfmpegError) return { stderr: err.stderr };
    throw err;
  });
  const duration = parseDuration(probe.stderr);
  if (!duration) return null;
  const hasAudio = /Stream #.*Audio:/.test(probe.stderr);
  const audioBits = hasAudio ? 64_000 : 0;
  // Leave room for the container and for the encoder overshooting its target.
  const videoBits = Math.floor((limitBytes * 8 * 0.88) / duration - audioBits);
  if (videoBits < 50_000) return null;
  for (const height of VIDEO_HEIGHTS) {
    const dest = join(cacheDir, `${key}-${height}p-${Math.round(limitBytes / 1024)}k.mp4`);
    const bytes = await cached(dest, async (tmp) => {
      await runFfmpeg(
        ffmpeg,
        [
          '-v',
          'error',
          '-nostdin',
          '-y',
          '-i',
          path,
          '-vf',
          `scale=-2:'min(${height},ih)'`,
          '-c:v',
          'libx264',
          '-preset',
          'veryfast',
          '-pix_fmt',
          'yuv420p',
          '-b:v',
          String(videoBits),
          '-maxrate',
          String(videoBits),
          '-bufsize',
          String(videoBits * 2),
          ...(hasAudio ? ['-c:a', 'aac', '-b:a', '64k'] : ['-an']),
          '-movflags',
          '+faststart',
          '-f',
          'mp4',
          tmp,
        ],
        10 * 60_000,
      );
    });
    if (bytes <= limitBytes) {
      return {
        path: dest,
        bytes,
        mime: 'video/mp4',
        transformed: `re-encoded as H.264 at up to ${height}p, ${Math.round(videoBits / 1000)} kbit/s`,
      };
    }
  }
  return null;
}

/** The size of `dest`, making it first (through a temp file renamed into place) when it is not cached yet. */
async function cached(dest: string, make: (tmp: string) => Promise<void>): Promise<number> {
  try {
    return (await stat(dest)).size;
  } catch {
    // not cached yet
  }
  const tmp = `${dest}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp${extname(dest)}`;
  try {
    await make(tmp);
    await rename(tmp, dest);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
  return (await stat(dest)).size;
}

/** Delete derived files older than `maxAgeMs` from a fit cache folder (run at start); returns how many. */
export async function pruneFitCache(cacheDir: string, maxAgeMs: number, now = Date.now()): Promise<number> {
  let names: string[];
  try {
    names = await readdir(cacheDir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const file = join(cacheDir, name);
    try {
      if ((await stat(file)).mtimeMs < now - maxAgeMs) {
        await unlink(file);
        removed++;
      }
    } catch {
      // gone already, or in use: try again next start
    }
  }
  return removed;
}
