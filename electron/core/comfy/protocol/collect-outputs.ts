/**
 * Download a finished prompt's output files (history `outputs`) into a folder through /view, streamed.
 */
import { mkdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { ComfyClient } from './client';
import type { FileRef } from './http-schemas';

export type OutputKind = 'image' | 'video' | 'other';

export interface CollectedFile {
  /** Where the file now is. */
  path: string;
  kind: OutputKind;
  nodeId: string;
  bytes: number;
  /** ComfyUI's reference to it. */
  ref: FileRef;
}

export interface CollectOptions {
  /** Also fetch `temp` files (PreviewImage). Default false: only `output` files. */
  includeTemp?: boolean;
}

const IMAGE = new Set(['.png', '.jpg', '.jpeg', '.webp', '.gif', '.bmp', '.tif', '.tiff', '.avif']);
const VIDEO = new Set(['.mp4', '.webm', '.mov', '.mkv', '.avi', '.m4v']);

export function outputKind(filename: string): OutputKind {
  const ext = extname(filename).toLowerCase();
  if (IMAGE.has(ext)) return 'image';
  if (VIDEO.has(ext)) return 'video';
  return 'other';
}

/** A file name safe on every OS, unique within `taken`. */
function localName(filename: string, taken: Set<string>): string {
  const clean =
    [...basename(filename)].map((ch) => (ch.charCodeAt(0) < 32 || '<>:"/\\|?*'.includes(ch) ? '_' : ch)).join('') ||
    'output';
  let name = clean;
  const ext = extname(clean);
  const stem = clean.slice(0, clean.length - ext.length);
  for (let i = 1; taken.has(name.toLowerCase()); i++) name = `${stem}-${i}${ext}`;
  taken.add(name.toLowerCase());
  return name;
}

export async function collectFiles(
  client: ComfyClient,
  refs: Array<FileRef & { nodeId: string }>,
  destDir: string,
  opts: CollectOptions = {},
): Promise<CollectedFile[]> {
  await mkdir(destDir, { recursive: true });
  const taken = new Set<string>();
  const seen = new Set<string>();
  const out: CollectedFile[] = [];
  for (const r of refs) {
    if (r.type !== 'output' && !(opts.includeTemp && r.type === 'temp')) continue;
    const key = `${r.type}/${r.subfolder}/${r.filename}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const path = join(destDir, localName(r.filename, taken));
    const ref: FileRef = { filename: r.filename, subfolder: r.subfolder, type: r.type };
    const { bytes } = await client.downloadView(ref, path);
    out.push({ path, kind: outputKind(r.filename), nodeId: r.nodeId, bytes, ref });
  }
  return out;
}
