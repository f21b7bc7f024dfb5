/**
 * One job's progress, computed from ComfyUI's WebSocket messages by a PURE reducer:
 * `reduceProgress(state, event, now) -> state`. Nothing here does I/O or reads a clock; `now` is passed in.
 *
 * Percent is weighted by the graph: every stepped node (a sampler, or any node with a numeric `steps`
 * input) weighs its step count and together they make 90 %; the other nodes that will run share the
 * remaining 10 % (all nodes share 100 % when there is no stepped node). Cached nodes count as done. The
 * percent never goes backwards and only reaches 100 when every node is done or the prompt succeeded.
 */
import type { ApiGraph, BinaryFrame, ComfyMessage } from './messages';

export type JobPhase =
  'queued' | 'loading' | 'sampling' | 'decoding' | 'saving' | 'processing' | 'done' | 'failed' | 'interrupted';

export interface JobError {
  nodeId: string;
  classType: string;
  exceptionType: string;
  /** The exception message, trimmed. */
  message: string;
}

export interface JobPreview {
  mime: string;
  image: Uint8Array;
  nodeId: string | null;
}

/** What a UI shows about one job. */
export interface JobProgress {
  promptId: string;
  phase: JobPhase;
  /** 0-based place among pending prompts while queued (0 = runs next); null when unknown or not queued. */
  queuePosition: number | null;
  /** Whole percent, 0..100, never decreasing. */
  percent: number;
  /** The node that is executing now. */
  node: { id: string; classType: string | null } | null;
  /** Step progress of the executing node, when it reports any. */
  step: { value: number; max: number } | null;
  /** Latest live preview image. */
  preview: JobPreview | null;
  /** Latest progress text a node sent (binary TEXT frame). */
  text: string | null;
  /** Estimated milliseconds left, from the observed step rate; null until there is a rate. */
  etaMs: number | null;
  error: JobError | null;
  startedAt: number | null;
  updatedAt: number;
  /**
   * ComfyUI's own timestamps (ms) of `execution_start` and of the prompt's end (`execution_success`, `_error` or
   * `_interrupted`), when it sent them: the GPU time of the run, measured where it ran.
   */
  gpu: { startedAt: number | null; endedAt: number | null };
  /** `executing {node: null}` arrived: the prompt is over and its history entry exists. */
  ended: boolean;
}

/** The weights derived from a graph. */
export interface ProgressPlan {
  /** Weight of every node expected to run (nodes nothing consumes and that feed no output are excluded). */
  weights: Record<string, number>;
  total: number;
  /** Step count of stepped nodes. */
  steps: Record<string, number>;
  classOf: Record<string, string>;
}

export interface ProgressState {
  progress: JobProgress;
  plan: ProgressPlan;
  /** Done fraction 0..1 per node id. */
  done: Record<string, number>;
  /** Step timing, for the ETA. */
  timing: { nodeId: string | null; lastValue: number; lastAt: number; steps: number; ms: number };
}

/** Events the reducer understands: ComfyUI text messages, binary frames, and the queue place from /queue. */
export type ProgressEvent =
  ComfyMessage | { type: 'binary'; frame: BinaryFrame } | { type: 'queue_position'; position: number };

const STEPPED_SHARE = 0.9;
const DEFAULT_STEPS = 20;

const isLink = (v: unknown): v is [string, number] =>
  Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'number';

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Step count of a node, or undefined when it is not a stepped node. */
function stepsOf(graph: ApiGraph, id: string): number | undefined {
  const node = graph[id];
  if (!node) return undefined;
  const cls = node.class_type;
  if (/Scheduler|Select|Loader/i.test(cls)) return undefined;
  const inputs = node.inputs;
  let steps = num(inputs.steps);
  if (steps !== undefined && cls === 'KSamplerAdvanced') {
    const start = num(inputs.start_at_step) ?? 0;
    const end = Math.min(num(inputs.end_at_step) ?? steps, steps);
    steps = Math.max(1, end - start);
  }
  if (steps === undefined && /Sampler/i.test(cls)) {
    const sigmas = inputs.sigmas;
    if (isLink(sigmas)) steps = num(graph[sigmas[0]]?.inputs.steps);
    steps ??= DEFAULT_STEPS;
  }
  return steps === undefined ? undefined : Math.max(1, Math.round(steps));
}

/** Class names that are output nodes in practice (SaveImage, PreviewImage, SaveVideo, VHS_VideoCombine…). */
const OUTPUT_CLASS = /Save|Preview|Output|Combine|Show|Display/i;

/**
 * Nodes that will run: the output nodes and all their ancestors. Without object_info the outputs are
 * guessed: the sinks (nodes nothing consumes) whose class looks like an output, or every sink if none does.
 */
function runnableNodes(graph: ApiGraph, outputs?: readonly string[]): Set<string> {
  const consumed = new Set<string>();
  for (const node of Object.values(graph)) {
    for (const v of Object.values(node.inputs)) if (isLink(v) && graph[v[0]]) consumed.add(v[0]);
  }
  const out = new Set<string>();
  const sinks = Object.keys(graph).filter((id) => !consumed.has(id));
  const likely = sinks.filter((id) => OUTPUT_CLASS.test(graph[id]?.class_type ?? ''));
  const given = outputs?.filter((id) => graph[id]);
  const stack = given && given.length > 0 ? [...given] : likely.length > 0 ? likely : sinks;
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (out.has(id)) continue;
    out.add(id);
    for (const v of Object.values(graph[id]?.inputs ?? {})) if (isLink(v) && graph[v[0]]) stack.push(v[0]);
  }
  return out;
}

/** Weights for one graph; `outputs` = the output node ids when known (e.g. /queue's outputs_to_execute). */
export function planProgress(graph: ApiGraph, outputs?: readonly string[]): ProgressPlan {
  const ids = runnableNodes(graph, outputs);
  const steps: Record<string, number> = {};
  const classOf: Record<string, string> = {};
  for (const [id, node] of Object.entries(graph)) classOf[id] = node.class_type;
  let stepTotal = 0;
  const others: string[] = [];
  for (const id of ids) {
    const s = stepsOf(graph, id);
    if (s === undefined) others.push(id);
    else {
      steps[id] = s;
      stepTotal += s;
    }
  }
  const weights: Record<string, number> = {};
  if (stepTotal === 0) {
    for (const id of others) weights[id] = 1;
  } else {
    const each = others.length > 0 ? (stepTotal * (1 - STEPPED_SHARE)) / STEPPED_SHARE / others.length : 0;
    for (const id of others) weights[id] = each;
    for (const [id, s] of Object.entries(steps)) weights[id] = s;
  }
  const total = Object.values(weights).reduce((a, b) => a + b, 0);
  return { weights, total, steps, classOf };
}

export function initialProgress(
  promptId: string,
  graph: ApiGraph,
  now: number,
  outputs?: readonly string[],
): ProgressState {
  return {
    progress: {
      promptId,
      phase: 'queued',
      queuePosition: null,
      percent: 0,
      node: null,
      step: null,
      preview: null,
      text: null,
      etaMs: null,
      error: null,
      startedAt: null,
      updatedAt: now,
      gpu: { startedAt: null, endedAt: null },
      ended: false,
    },
    plan: planProgress(graph, outputs),
    done: {},
    timing: { nodeId: null, lastValue: 0, lastAt: now, steps: 0, ms: 0 },
  };
}

/** Which phase a running node puts the job in. */
export function phaseOfClass(classType: string | null, stepped: boolean): JobPhase {
  if (stepped) return 'sampling';
  if (!classType) return 'processing';
  if (/Loader/i.test(classType)) return 'loading';
  if (/VAEDecode|Decode/i.test(classType)) return 'decoding';
  if (/^Save|^Preview|VideoCombine/i.test(classType)) return 'saving';
  return 'processing';
}

const TERMINAL: ReadonlySet<JobPhase> = new Set<JobPhase>(['done', 'failed', 'interrupted']);

function computePercent(plan: ProgressPlan, done: Record<string, number>): number {
  if (plan.total <= 0) return 0;
  let sum = 0;
  let complete = true;
  for (const [id, w] of Object.entries(plan.weights)) {
    const d = done[id] ?? 0;
    sum += w * d;
    if (d < 1) complete = false;
  }
  if (complete) return 100;
  return Math.min(99, Math.floor((100 * sum) / plan.total + 1e-9));
}

function eta(plan: ProgressPlan, done: Record<string, number>, timing: ProgressState['timing']): number | null {
  if (timing.steps <= 0 || timing.ms <= 0) return null;
  let remaining = 0;
  for (const [id, s] of Object.entries(plan.steps)) remaining += s * (1 - (done[id] ?? 0));
  return Math.round((remaining * timing.ms) / timing.steps);
}

function trimMessage(s: string): string {
  return s.trim().split('\n').slice(0, 8).join('\n').slice(0, 1000);
}

/** Fold one event into one job's state. Events of other prompts are ignored (the state is returned as is). */
export function reduceProgress(state: ProgressState, event: ProgressEvent, now: number): ProgressState {
  const p = state.progress;
  const mine = (id: string | undefined | null): boolean => id === undefined || id === null || id === p.promptId;
  const terminal = TERMINAL.has(p.phase);

  switch (event.type) {
    case 'queue_position':
      if (p.phase !== 'queued' || p.queuePosition === event.position) return state;
      return withProgress(state, { queuePosition: event.position }, now);

    case 'execution_start':
      if (!mine(event.data.prompt_id) || terminal) return state;
      return withProgress(
        state,
        {
          phase: 'processing',
          queuePosition: null,
          startedAt: now,
          gpu: { startedAt: event.data.timestamp, endedAt: null },
        },
        now,
      );

    case 'execution_cached': {
      if (!mine(event.data.prompt_id) || terminal) return state;
      const done = { ...state.done };
      for (const id of event.data.nodes) done[id] = 1;
      return settle({ ...state, done }, now, startedPatch(p, now));
    }

    case 'executing': {
      if (!mine(event.data.prompt_id)) return state;
      const nodeId = event.data.node;
      if (nodeId === null) {
        if (event.data.prompt_id === undefined) return state;
        if (terminal)
          return withProgress(
            state,
            { ended: true, node: null, step: null, etaMs: p.phase === 'done' ? 0 : null },
            now,
          );
        return finishDone(state, now, true);
      }
      if (terminal) return state;
      const done = { ...state.done };
      const prev = p.node?.id;
      if (prev !== undefined && prev !== nodeId) done[prev] = 1;
      const classType = state.plan.classOf[nodeId] ?? null;
      const stepped = state.plan.steps[nodeId] !== undefined;
      const timing = { ...state.timing, nodeId, lastValue: 0, lastAt: now };
      return settle({ ...state, done, timing }, now, {
        ...startedPatch(p, now),
        phase: phaseOfClass(classType, stepped),
        node: { id: nodeId, classType },
        step: null,
      });
    }

    case 'progress': {
      if (!mine(event.data.prompt_id) || terminal) return state;
      const nodeId = event.data.node ?? p.node?.id;
      if (!nodeId || event.data.max <= 0) return state;
      const frac = Math.min(1, Math.max(0, event.data.value / event.data.max));
      const done = { ...state.done, [nodeId]: Math.max(state.done[nodeId] ?? 0, frac) };
      let timing = state.timing;
      if (timing.nodeId !== nodeId) {
        timing = { ...timing, nodeId, lastValue: event.data.value, lastAt: now };
      } else if (event.data.value > timing.lastValue) {
        timing = {
          ...timing,
          steps: timing.steps + (event.data.value - timing.lastValue),
          ms: timing.ms + Math.max(0, now - timing.lastAt),
          lastValue: event.data.value,
          lastAt: now,
        };
      }
      const classType = state.plan.classOf[nodeId] ?? null;
      return settle({ ...state, done, timing }, now, {
        ...startedPatch(p, now),
        node: { id: nodeId, classType },
        step: { value: event.data.value, max: event.data.max },
        phase: phaseOfClass(classType, true),
      });
    }

    case 'progress_state': {
      if (!mine(event.data.prompt_id) || terminal) return state;
      const done = { ...state.done };
      for (const [key, n] of Object.entries(event.data.nodes)) {
        const id = state.plan.weights[key] !== undefined ? key : (n.display_node_id ?? key);
        const frac = n.state === 'finished' ? 1 : n.max > 0 ? Math.min(1, n.value / n.max) : 0;
        // A stepped node that reports value==max while still "running" is not done until it finishes.
        const capped = n.state !== 'finished' && frac >= 1 ? 0.999 : frac;
        done[id] = Math.max(done[id] ?? 0, capped);
      }
      return settle({ ...state, done }, now, startedPatch(p, now));
    }

    case 'executed': {
      if (!mine(event.data.prompt_id) || terminal) return state;
      return settle({ ...state, done: { ...state.done, [event.data.node]: 1 } }, now, startedPatch(p, now));
    }

    case 'execution_success': {
      if (!mine(event.data.prompt_id) || terminal) return state;
      const finished = finishDone(state, now, false);
      return withProgress(finished, { gpu: gpuEnd(p, event.data.timestamp) }, now);
    }

    case 'execution_error': {
      if (!mine(event.data.prompt_id) || terminal) return state;
      const d = event.data;
      return withProgress(
        state,
        {
          phase: 'failed',
          etaMs: null,
          gpu: gpuEnd(p, d.timestamp),
          error: {
            nodeId: d.node_id,
            classType: d.node_type,
            exceptionType: d.exception_type,
            message: trimMessage(d.exception_message),
          },
        },
        now,
      );
    }

    case 'execution_interrupted':
      if (!mine(event.data.prompt_id) || terminal) return state;
      return withProgress(state, { phase: 'interrupted', etaMs: null, gpu: gpuEnd(p, event.data.timestamp) }, now);

    case 'binary': {
      const f = event.frame;
      if (terminal) return state;
      if (f.kind === 'preview') {
        return withProgress(state, { preview: { mime: f.mime, image: f.image, nodeId: p.node?.id ?? null } }, now);
      }
      if (f.kind === 'preview_with_metadata') {
        if (f.metadata.prompt_id !== p.promptId) return state;
        return withProgress(state, { preview: { mime: f.mime, image: f.image, nodeId: f.metadata.node_id } }, now);
      }
      if (f.kind === 'text') {
        if (p.node && f.nodeId !== p.node.id) return state;
        return withProgress(state, { text: f.text }, now);
      }
      return state;
    }

    default:
      return state;
  }
}

/** The run's end as ComfyUI stamped it (kept unknown when it did not). */
function gpuEnd(p: JobProgress, timestamp: number | undefined): JobProgress['gpu'] {
  return { startedAt: p.gpu.startedAt, endedAt: timestamp ?? null };
}

function startedPatch(p: JobProgress, now: number): Partial<JobProgress> {
  if (p.phase !== 'queued') return {};
  return { phase: 'processing', queuePosition: null, startedAt: p.startedAt ?? now };
}

function withProgress(state: ProgressState, patch: Partial<JobProgress>, now: number): ProgressState {
  return { ...state, progress: { ...state.progress, ...patch, updatedAt: now } };
}

/** Recompute percent (never backwards) and ETA after `done` changed. */
function settle(state: ProgressState, now: number, patch: Partial<JobProgress>): ProgressState {
  const percent = Math.max(state.progress.percent, computePercent(state.plan, state.done));
  return withProgress(state, { ...patch, percent, etaMs: eta(state.plan, state.done, state.timing) }, now);
}

function finishDone(state: ProgressState, now: number, ended: boolean): ProgressState {
  const done: Record<string, number> = { ...state.done };
  for (const id of Object.keys(state.plan.weights)) done[id] = 1;
  return withProgress(
    { ...state, done },
    {
      phase: 'done',
      percent: 100,
      etaMs: 0,
      node: null,
      step: null,
      queuePosition: null,
      startedAt: state.progress.startedAt ?? now,
      ended: ended || state.progress.ended,
    },
    now,
  );
}

/** True once the job will not change any more except for `ended`. */
export function isTerminal(p: JobProgress): boolean {
  return TERMINAL.has(p.phase);
}
