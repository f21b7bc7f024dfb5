/**
 * What output nodes write and return as UI data (the `output` of `executed` and history `outputs`),
 * in the real shapes (comfyui-api.md section 4, "SaveImage file naming").
 */
import path from 'node:path';
import type { ApiGraph } from '@core/comfy/protocol/messages';
import type { FileStore, FolderType } from './files';
import { imageSize, seedOf } from './graph';
import { makeAnimatedWebp, makePng, makeVideoStub } from './images';

export interface OutputContext {
  graph: ApiGraph;
  id: string;
  store: FileStore;
  extraData: Record<string, unknown>;
  now: number;
  /** FakeScript.outputDetail */
  detail?: 'solid' | 'noise' | 'scene';
}

export type Ui = Record<string, unknown>;

/** Classes whose execution returns UI data the fake knows how to produce. */
export const UI_OUTPUT_CLASSES: ReadonlySet<string> = new Set([
  'SaveImage',
  'PreviewImage',
  'SaveAnimatedWEBP',
  'SaveAnimatedPNG',
  'SaveVideo',
  'SaveWEBM',
  'VHS_VideoCombine',
]);

const pad5 = (n: number): string => String(n).padStart(5, '0');

function expandPrefix(prefix: string, now: number, width: number, height: number): string {
  const d = new Date(now);
  const two = (n: number): string => String(n).padStart(2, '0');
  return prefix
    .replace(/%year%/g, String(d.getFullYear()))
    .replace(/%month%/g, two(d.getMonth() + 1))
    .replace(/%day%/g, two(d.getDate()))
    .replace(/%hour%/g, two(d.getHours()))
    .replace(/%minute%/g, two(d.getMinutes()))
    .replace(/%second%/g, two(d.getSeconds()))
    .replace(/%width%/g, String(width))
    .replace(/%height%/g, String(height));
}

/** PNG text chunks SaveImage writes: `prompt` and each `extra_pnginfo` key, as JSON. */
function pngTexts(ctx: OutputContext): Record<string, string> {
  const texts: Record<string, string> = { prompt: JSON.stringify(ctx.graph) };
  const extra = ctx.extraData['extra_pnginfo'];
  if (extra && typeof extra === 'object') {
    for (const [k, v] of Object.entries(extra as Record<string, unknown>)) texts[k] = JSON.stringify(v);
  }
  return texts;
}

function randomLetters(seed: number): string {
  const letters = 'abcdefghijklmnopqrstupvxyz';
  let x = (Math.abs(Math.trunc(seed)) + 1) * 2654435761;
  let s = '';
  for (let i = 0; i < 5; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    s += letters[x % letters.length];
  }
  return s;
}

async function saveImages(ctx: OutputContext, type: FolderType, prefix: string): Promise<Ui> {
  const { width, height, batch } = imageSize(ctx.graph, ctx.id);
  const seed = seedOf(ctx.graph, ctx.id);
  const target = ctx.store.saveBase(type, expandPrefix(prefix, ctx.now, width, height));
  if (!target) throw new Error(`Saving image outside the output folder is not allowed.`);
  const images: { filename: string; subfolder: string; type: FolderType }[] = [];
  let counter = target.counter;
  for (let i = 0; i < batch; i++) {
    const filename = `${target.name.replace(/%batch_num%/g, String(i))}_${pad5(counter)}_.png`;
    ctx.store.write(path.join(target.dir, filename), await makePng(width, height, seed, i, pngTexts(ctx), ctx.detail));
    images.push({ filename, subfolder: target.subfolder, type });
    counter++;
  }
  return { images };
}

function str(v: unknown, fallback: string): string {
  return typeof v === 'string' ? v : fallback;
}

/** Run an output node: write its files and return its UI dict (null for output nodes without UI). */
export async function produceOutput(ctx: OutputContext): Promise<Ui | null> {
  const node = ctx.graph[ctx.id]!;
  const inputs = node.inputs;
  switch (node.class_type) {
    case 'SaveImage':
      return saveImages(ctx, 'output', str(inputs['filename_prefix'], 'ComfyUI'));
    case 'PreviewImage':
      return saveImages(ctx, 'temp', `ComfyUI_temp_${randomLetters(seedOf(ctx.graph, ctx.id) + ctx.now)}`);
    case 'SaveAnimatedWEBP':
    case 'SaveAnimatedPNG': {
      const { width, height, batch } = imageSize(ctx.graph, ctx.id);
      const webp = node.class_type === 'SaveAnimatedWEBP';
      const target = ctx.store.saveBase('output', str(inputs['filename_prefix'], 'ComfyUI'));
      if (!target) throw new Error('Saving image outside the output folder is not allowed.');
      const filename = `${target.name}_${pad5(target.counter)}_.${webp ? 'webp' : 'png'}`;
      const seed = seedOf(ctx.graph, ctx.id);
      const fps = typeof inputs['fps'] === 'number' ? inputs['fps'] : 6;
      const bytes = webp
        ? await makeAnimatedWebp(width, height, seed, Math.max(batch, 3), fps)
        : await makePng(width, height, seed, 0, pngTexts(ctx));
      ctx.store.write(path.join(target.dir, filename), bytes);
      return { images: [{ filename, subfolder: target.subfolder, type: 'output' }], animated: [true] };
    }
    case 'SaveVideo':
    case 'SaveWEBM': {
      const ext = node.class_type === 'SaveWEBM' ? 'webm' : 'mp4';
      const target = ctx.store.saveBase('output', str(inputs['filename_prefix'], 'video/ComfyUI'));
      if (!target) throw new Error('Saving video outside the output folder is not allowed.');
      const filename = `${target.name}_${pad5(target.counter)}_.${ext}`;
      ctx.store.write(path.join(target.dir, filename), makeVideoStub());
      return { images: [{ filename, subfolder: target.subfolder, type: 'output' }], animated: [true] };
    }
    case 'VHS_VideoCombine': {
      const target = ctx.store.saveBase('output', str(inputs['filename_prefix'], 'AnimateDiff'));
      if (!target) throw new Error('Saving video outside the output folder is not allowed.');
      const filename = `${target.name}_${pad5(target.counter)}.mp4`;
      const fullPath = path.join(target.dir, filename);
      ctx.store.write(fullPath, makeVideoStub());
      const gif = {
        filename,
        subfolder: target.subfolder,
        type: 'output',
        format: str(inputs['format'], 'video/h264-mp4'),
        frame_rate: typeof inputs['frame_rate'] === 'number' ? inputs['frame_rate'] : 8,
        workflow: `${target.name}_${pad5(target.counter)}.png`,
        fullpath: fullPath,
      };
      return { gifs: [gif] };
    }
    default:
      return null;
  }
}
