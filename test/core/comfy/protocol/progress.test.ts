import { describe, expect, it } from 'vitest';
import type { ApiGraph } from '@core/comfy/protocol/messages';
import {
  initialProgress,
  planProgress,
  reduceProgress,
  type JobProgress,
  type ProgressEvent,
  type ProgressState,
} from '@core/comfy/protocol/progress';
import { loadCapture, loadSubmitted, type Recorded } from './capture';

const capture = loadCapture();
const submitted = loadSubmitted();

/** Replay every recorded frame the submitting client got; returns every intermediate progress. */
function replay(promptId: string, frames: Recorded[] = capture): { final: JobProgress; trail: JobProgress[] } {
  const sub = submitted.find((s) => s.promptId === promptId);
  if (!sub) throw new Error(`no graph for ${promptId}`);
  const client = sub.phase === 'preview-metadata' ? 'y' : 'x';
  let state: ProgressState = initialProgress(promptId, sub.graph, 0);
  const trail: JobProgress[] = [];
  let running = false;
  for (const f of frames) {
    if (f.client !== client) continue;
    const e = f.event;
    // The backend routes frames without a prompt id (legacy previews) only to the running prompt.
    if (e.type === 'execution_start') running = e.data.prompt_id === promptId;
    if (e.type === 'binary' && e.frame.kind !== 'preview_with_metadata' && !running) continue;
    const next = reduceProgress(state, e, f.t);
    if (next !== state) trail.push(next.progress);
    state = next;
    if (e.type === 'executing' && e.data.node === null && e.data.prompt_id === promptId) running = false;
  }
  return { final: state.progress, trail };
}

function expectMonotonic(trail: JobProgress[]): void {
  for (let i = 1; i < trail.length; i++) {
    expect(trail[i]!.percent).toBeGreaterThanOrEqual(trail[i - 1]!.percent);
  }
}

const distinct = (trail: JobProgress[]) => [...new Set(trail.map((p) => p.percent))];

describe('progress reducer on the real recording', () => {
  it('trivial prompts: three equal nodes go 0 -> 33 -> 66 -> 100 and end done', () => {
    const trivial = submitted.filter((s) => s.phase === 'trivial');
    expect(trivial).toHaveLength(10);
    for (const s of trivial) {
      const { final, trail } = replay(s.promptId);
      expectMonotonic(trail);
      expect(distinct(trail)).toEqual([0, 33, 66, 100]);
      expect(final.phase).toBe('done');
      expect(final.ended).toBe(true);
      expect(final.error).toBeNull();
      expect(trail.some((p) => p.phase === 'saving' && p.node?.classType === 'SaveImage')).toBe(true);
    }
  });

  it('a fully cached prompt goes straight to 100', () => {
    const s = submitted.find((x) => x.phase === 'trivial-cached')!;
    const { final, trail } = replay(s.promptId);
    expect(distinct(trail)).toEqual([0, 100]);
    const cachedAt = trail.findIndex((p) => p.percent === 100);
    expect(trail[cachedAt]!.phase).not.toBe('done');
    expect(final.phase).toBe('done');
    expect(final.ended).toBe(true);
  });

  it('a 5-step node: exact weighted percents, step info and an ETA from the step rate', () => {
    const s = submitted.find((x) => x.phase === 'progress')!;
    const { final, trail } = replay(s.promptId);
    expectMonotonic(trail);
    // steps node weighs 5 (90 %), SaveImage the other 10 %.
    expect(distinct(trail)).toEqual([0, 18, 36, 54, 72, 89, 90, 100]);
    const atStep2 = trail.find((p) => p.step?.value === 2)!;
    expect(atStep2.phase).toBe('sampling');
    expect(atStep2.step).toEqual({ value: 2, max: 5 });
    // executing at t=734, step 2 at t=935: 201 ms for 2 steps, 3 steps left.
    expect(atStep2.etaMs).toBe(Math.round((3 * 201) / 2));
    expect(final.phase).toBe('done');
    expect(final.percent).toBe(100);
    expect(final.startedAt).toBe(734);
  });

  it('an error keeps the node, class and exception message, and stays failed after executing null', () => {
    const s = submitted.find((x) => x.phase === 'error')!;
    const { final, trail } = replay(s.promptId);
    expectMonotonic(trail);
    expect(final.phase).toBe('failed');
    expect(final.ended).toBe(true);
    expect(final.error).toEqual({
      nodeId: '1',
      classType: 'SlowProgressImage',
      exceptionType: 'RuntimeError',
      message: 'SlowProgressImage: deliberate failure at step 2',
    });
    expect(final.percent).toBeLessThan(100);
  });

  it('interrupt: the running prompt ends interrupted; the deleted pending one never moves', () => {
    const [running, pending] = submitted.filter((x) => x.phase === 'interrupt+delete');
    const r = replay(running!.promptId);
    expect(r.final.phase).toBe('interrupted');
    expect(r.final.ended).toBe(true);
    expect(r.final.percent).toBe(2); // 3 of 100 steps at 90 %
    const p = replay(pending!.promptId);
    expect(p.trail).toHaveLength(0);
    expect(p.final.phase).toBe('queued');
  });

  it('accepts both preview forms and the progress text', () => {
    const legacy = replay(submitted.find((x) => x.phase === 'preview-legacy')!.promptId);
    const withPreview = legacy.trail.filter((p) => p.preview);
    expect(withPreview.length).toBeGreaterThan(0);
    expect(withPreview[0]!.preview!.mime).toBe('image/jpeg');
    expect(withPreview[0]!.preview!.image.length).toBe(4723);
    expect(legacy.trail.some((p) => p.text === 'step 2/3')).toBe(true);

    const meta = replay(submitted.find((x) => x.phase === 'preview-metadata')!.promptId);
    const metaPreview = meta.trail.find((p) => p.preview);
    expect(metaPreview?.preview?.nodeId).toBe('1');
    expect(metaPreview?.preview?.image.length).toBe(4723);
    expect(meta.final.phase).toBe('done');
  });

  it('queue position applies only while queued', () => {
    const s = submitted[0]!;
    let st = initialProgress(s.promptId, s.graph, 0);
    st = reduceProgress(st, { type: 'queue_position', position: 2 }, 5);
    expect(st.progress.queuePosition).toBe(2);
    expect(st.progress.updatedAt).toBe(5);
    st = reduceProgress(st, { type: 'execution_start', data: { prompt_id: s.promptId, timestamp: 1 } }, 6);
    expect(st.progress.queuePosition).toBeNull();
    const after = reduceProgress(st, { type: 'queue_position', position: 1 }, 7);
    expect(after).toBe(st);
  });
});

/** A video-style graph: loader, two text encoders, latent, sampler 20 steps, sampler 8 steps, decode, save. */
const twoSamplers: ApiGraph = {
  '1': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'a.safetensors' } },
  '2': { class_type: 'CLIPTextEncode', inputs: { text: 'a cat', clip: ['1', 1] } },
  '3': { class_type: 'CLIPTextEncode', inputs: { text: '', clip: ['1', 1] } },
  '4': { class_type: 'EmptyLatentImage', inputs: { width: 512, height: 512, batch_size: 1 } },
  '5': {
    class_type: 'KSampler',
    inputs: {
      model: ['1', 0],
      seed: 1,
      steps: 20,
      cfg: 7,
      sampler_name: 'euler',
      scheduler: 'normal',
      positive: ['2', 0],
      negative: ['3', 0],
      latent_image: ['4', 0],
      denoise: 1,
    },
  },
  '6': {
    class_type: 'KSamplerAdvanced',
    inputs: {
      model: ['1', 0],
      add_noise: 'enable',
      noise_seed: 1,
      steps: 8,
      cfg: 7,
      sampler_name: 'euler',
      scheduler: 'normal',
      positive: ['2', 0],
      negative: ['3', 0],
      latent_image: ['5', 0],
      start_at_step: 0,
      end_at_step: 10000,
      return_with_leftover_noise: 'disable',
    },
  },
  '7': { class_type: 'VAEDecode', inputs: { samples: ['6', 0], vae: ['1', 2] } },
  '8': { class_type: 'SaveImage', inputs: { images: ['7', 0], filename_prefix: 'v' } },
  '9': {
    class_type: 'LoraLoader',
    inputs: { model: ['1', 0], clip: ['1', 1], lora_name: 'unused', strength_model: 1, strength_clip: 1 },
  },
};

const P = 'p-two';
const msg = (type: string, data: Record<string, unknown>): ProgressEvent =>
  ({ type, data: { prompt_id: P, ...data } }) as ProgressEvent;

/** The server's message order for one executed node (progress_state running, executing, steps, finished). */
function nodeRun(id: string, steps = 0): ProgressEvent[] {
  const ps = (value: number, max: number, state: string) =>
    msg('progress_state', { nodes: { [id]: { value, max, state, node_id: id, prompt_id: P } } });
  const out: ProgressEvent[] = [ps(0, 1, 'running'), msg('executing', { node: id, display_node: id })];
  for (let v = 1; v <= steps; v++)
    out.push(ps(v, steps, 'running'), msg('progress', { value: v, max: steps, node: id }));
  out.push(ps(steps || 1, steps || 1, 'finished'));
  return out;
}

describe('progress reducer on a synthetic two-sampler workflow (20 + 8 steps)', () => {
  it('weighs nodes by steps; an unused side branch (node 9) is not expected to run', () => {
    const plan = planProgress(twoSamplers);
    expect(plan.steps).toEqual({ '5': 20, '6': 8 });
    expect(Object.keys(plan.weights).sort()).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    expect(plan.total).toBeCloseTo(28 / 0.9, 9);
  });

  it('goes monotonically 0 -> 100 with exact percents and phases', () => {
    const events: ProgressEvent[] = [
      msg('execution_start', { timestamp: 0 }),
      msg('execution_cached', { nodes: [], timestamp: 0 }),
      ...nodeRun('1'),
      ...nodeRun('2'),
      ...nodeRun('3'),
      ...nodeRun('4'),
      ...nodeRun('5', 20),
      ...nodeRun('6', 8),
      ...nodeRun('7'),
      ...nodeRun('8'),
      msg('executed', { node: '8', output: { images: [{ filename: 'v_00001_.png', subfolder: '', type: 'output' }] } }),
      msg('execution_success', { timestamp: 1 }),
      msg('executing', { node: null }),
    ];
    let st = initialProgress(P, twoSamplers, 0);
    const trail: JobProgress[] = [];
    let t = 0;
    for (const e of events) {
      t += 100;
      st = reduceProgress(st, e, t);
      trail.push(st.progress);
    }
    expectMonotonic(trail);
    const other = 28 / 9 / 6; // each of the 6 non-sampler nodes
    const total = 28 / 0.9;
    const pct = (x: number) => Math.floor((100 * x) / total + 1e-9);
    const at = (pred: (p: JobProgress) => boolean) => trail.find(pred)!;
    expect(at((p) => p.node?.id === '1').phase).toBe('loading');
    expect(at((p) => p.node?.id === '5' && p.step?.value === 10 && p.percent > 0).percent).toBe(pct(4 * other + 10));
    expect(at((p) => p.node?.id === '6' && p.step?.value === 1).percent).toBe(pct(4 * other + 20 + 1));
    expect(at((p) => p.node?.id === '6' && p.step?.value === 4).phase).toBe('sampling');
    expect(at((p) => p.node?.id === '7').phase).toBe('decoding');
    expect(at((p) => p.node?.id === '7').percent).toBe(pct(4 * other + 28));
    expect(at((p) => p.node?.id === '8').phase).toBe('saving');
    expect(trail[trail.length - 1]!.percent).toBe(100);
    expect(trail[trail.length - 1]!.phase).toBe('done');
    expect(trail[trail.length - 1]!.ended).toBe(true);
    // Never 100 before every node is done.
    const first100 = trail.findIndex((p) => p.percent === 100);
    expect(first100).toBeGreaterThan(trail.findIndex((p) => p.node?.id === '8'));
    // ETA: every step took 200 ms (progress_state + progress at 100 ms each), 28 steps in total.
    const mid = at((p) => p.node?.id === '5' && p.step?.value === 10 && p.etaMs !== null);
    expect(mid.etaMs).toBe(18 * 200);
  });

  it('a sampler reporting a lower value again does not move the percent back', () => {
    let st = initialProgress(P, twoSamplers, 0);
    st = reduceProgress(st, msg('execution_start', { timestamp: 0 }), 1);
    st = reduceProgress(st, msg('execution_cached', { nodes: ['1', '2', '3', '4'], timestamp: 0 }), 2);
    st = reduceProgress(st, msg('executing', { node: '5' }), 3);
    st = reduceProgress(st, msg('progress', { value: 15, max: 20, node: '5' }), 4);
    const high = st.progress.percent;
    st = reduceProgress(st, msg('progress', { value: 3, max: 20, node: '5' }), 5);
    expect(st.progress.percent).toBe(high);
  });

  it('ignores other prompts', () => {
    const st = initialProgress(P, twoSamplers, 0);
    const other = reduceProgress(st, { type: 'execution_start', data: { prompt_id: 'someone-else', timestamp: 0 } }, 1);
    expect(other).toBe(st);
  });
});
