/**
 * Input images of jobs: kept under `<dataDir>/inputs` (uploads from Generate, attachments from Discord) or taken
 * from the library ("use as input"). Only real images are accepted, and a job may only name files in those
 * folders, so no caller can make ComfyDesk send an arbitrary file to a ComfyUI.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { extname, join, relative, resolve, isAbsolute } from 'node:path';
import sharp from 'sharp';
import { ApiError, badRequest } from '@shared/api';
import type { Job } from '@shared/jobs';
import type { ComfyClient } from '@core/comfy/protocol/client';

export const MAX_INPUT_BYTES = 25 * 1024 * 1024;

/** The image type of some bytes, by their signature; null when they are not an image we accept. */
export function imageTypeOf(data: Uint8Array): { ext: string; mime: string } | null {
  const b = data;
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47)
    return { ext: '.png', mime: 'image/png' };
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { ext: '.jpg', mime: 'image/jpeg' };
  if (
    b.length >= 12 &&
    String.fromCharCode(...b.subarray(0, 4)) === 'RIFF' &&
    String.fromCharCode(...b.subarray(8, 12)) === 'WEBP'
  ) {
    return { ext: '.webp', mime: 'image/webp' };
  }
  if (b.length >= 6 && String.fromCharCode(...b.subarray(0, 4)) === 'GIF8') return { ext: '.gif', mime: 'image/gif' };
  return null;
}

/** A file name safe on every OS (for display and as the stored name's tail). */
export function safeName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? 'image';
  const clean = [...base]
    .map((ch) => (ch.charCodeAt(0) < 32 || '<>:"|?*'.includes(ch) ? '_' : ch))
    .join('')
    .trim();
  return (clean || 'image').slice(0, 120);
}

export class InputStore {
  constructor(
    readonly dir: string,
    private readonly allowedDirs: readonly string[],
  ) {}

  /** Keep an image (bytes) for later jobs; refuses anything that is not a PNG, JPEG, WebP or GIF. */
  async save(filename: string, data: Uint8Array): Promise<{ path: string; filename: string; bytes: number }> {
    if (data.length === 0) throw badRequest(`"${filename}" is empty.`);
    if (data.length > MAX_INPUT_BYTES) {
      throw new ApiError({
        code: 'limit',
        message: `"${filename}" is ${(data.length / 1048576).toFixed(1)} MB; images up to 25 MB are accepted.`,
      });
    }
    const type = imageTypeOf(data);
    if (!type) throw badRequest(`"${filename}" is not an image ComfyDesk can use (PNG, JPEG, WebP or GIF).`);
    // The signature is not enough: the header must describe a real picture (sharp reads it without decoding).
    const meta = await sharp(data)
      .metadata()
      .catch(() => null);
    if (!meta?.width || !meta.height)
      throw badRequest(`"${filename}" looks like a ${type.ext.slice(1).toUpperCase()} but cannot be read as an image.`);
    await mkdir(this.dir, { recursive: true });
    const display = safeName(filename);
    const stem = display.slice(0, display.length - extname(display).length) || 'image';
    const path = join(this.dir, `${randomUUID()}-${stem}${type.ext}`);
    await writeFile(path, data);
    return { path, filename: display, bytes: data.length };
  }

  /** Decode base64 (as sent over the API) and save. */
  async saveBase64(filename: string, dataBase64: string): Promise<{ path: string; filename: string; bytes: number }> {
    const cleaned = dataBase64.replace(/^data:[^;,]*;base64,/, '');
    if (!/^[A-Za-z0-9+/\r\n]*={0,2}\s*$/.test(cleaned)) throw badRequest(`"${filename}" is not valid base64.`);
    return this.save(filename, Buffer.from(cleaned, 'base64'));
  }

  /** Throws unless `path` is an existing file inside the inputs folder or the library. */
  check(path: string): string {
    const full = resolve(path);
    const inside = [this.dir, ...this.allowedDirs].some((dir) => {
      const rel = relative(resolve(dir), full);
      return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
    });
    if (!inside)
      throw badRequest(`Input image ${path} is not in ComfyDesk's inputs or library folder; upload it first.`);
    if (!existsSync(full) || !statSync(full).isFile()) throw badRequest(`Input image ${path} does not exist any more.`);
    return full;
  }
}

/** Upload a job's images to a ComfyUI; returns the names to put in its LoadImage nodes, by slot. */
export async function uploadJobInputs(
  job: Job,
  client: Pick<ComfyClient, 'uploadImage'>,
): Promise<Array<string | undefined>> {
  const images: Array<string | undefined> = [];
  for (const input of job.inputs) {
    let data: Buffer;
    try {
      data = await readFile(input.path);
    } catch {
      throw new Error(`The input image ${input.filename} is gone from ${input.path}.`);
    }
    const ext = extname(input.path).toLowerCase() || '.png';
    const res = await client.uploadImage(data, `comfydesk-${job.id}-${input.slot}${ext}`, { overwrite: true });
    images[input.slot] = res.subfolder ? `${res.subfolder}/${res.name}` : res.name;
  }
  return images;
}
