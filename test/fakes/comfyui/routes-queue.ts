/**
 * /prompt, /queue, /history, /interrupt, /free: as server.py answers them (comfyui-api.md section 1).
 */
import type { ServerResponse } from 'node:http';
import type { ApiGraph } from '@core/comfy/protocol/messages';
import type { FakeContext } from './context';
import { isRecord, sendEmpty, sendJson, sendServerError } from './http-util';
import type { QueueTuple } from './queue';
import { validatePrompt } from './validate';

/** Removed from extra_data before queueing (they are kept apart and never shown in /queue or /history). */
const SENSITIVE_EXTRA_DATA_KEYS = ['auth_token_comfy_org', 'api_key_comfy_org'];

export function getPromptInfo(ctx: FakeContext, res: ServerResponse): void {
  sendJson(res, 200, { exec_info: { queue_remaining: ctx.queue.remaining() } });
}

export function postPrompt(ctx: FakeContext, res: ServerResponse, body: unknown): void {
  ctx.hub.sendLog('got prompt\n', new Date(ctx.now()).toISOString());
  if (!isRecord(body)) return sendServerError(res);
  // The counter moves on every request without `number`, also for refused prompts (section 3).
  let number: number;
  if ('number' in body) {
    number = Number(body['number']);
    if (body['number'] === null || typeof body['number'] === 'object' || Number.isNaN(number))
      return sendServerError(res);
  } else {
    number = ctx.queue.counter;
    if ('front' in body && body['front']) number = -number;
    ctx.queue.counter++;
  }
  if (!('prompt' in body)) {
    const error = { type: 'no_prompt', message: 'No prompt provided', details: 'No prompt provided', extra_info: {} };
    return sendJson(res, 400, { error, node_errors: {} });
  }
  const prompt = body['prompt'];
  if (!isRecord(prompt)) return sendServerError(res);
  const promptId = 'prompt_id' in body && body['prompt_id'] !== null ? String(body['prompt_id']) : ctx.randomId();
  const targets = Array.isArray(body['partial_execution_targets'])
    ? body['partial_execution_targets'].map((t) => String(t))
    : null;
  const extraData: Record<string, unknown> = isRecord(body['extra_data']) ? { ...body['extra_data'] } : {};
  if ('client_id' in body) extraData['client_id'] = body['client_id'];
  const clientId = typeof extraData['client_id'] === 'string' ? extraData['client_id'] : null;

  const result = validatePrompt(prompt, ctx.objectInfo(), {
    partialTargets: targets,
    inputFileExists: (name) => ctx.store.inputExists(name),
  });
  const graph = structuredClone(prompt) as ApiGraph;
  if (!result.ok) {
    ctx.record.prompts.push({ promptId, number, clientId, prompt: graph, extraData, status: 400 });
    return sendJson(res, 400, { error: result.error, node_errors: result.nodeErrors });
  }
  for (const key of SENSITIVE_EXTRA_DATA_KEYS) delete extraData[key];
  ctx.record.prompts.push({ promptId, number, clientId, prompt: graph, extraData, status: 200 });
  ctx.queue.put([number, promptId, graph, extraData, result.outputs]);
  ctx.executor.kick();
  sendJson(res, 200, { prompt_id: promptId, number, node_errors: result.nodeErrors });
}

export function getQueue(ctx: FakeContext, res: ServerResponse): void {
  const running: QueueTuple[] = ctx.queue.running ? [ctx.queue.running] : [];
  sendJson(res, 200, { queue_running: running, queue_pending: ctx.queue.heap });
}

/** {clear:true} empties pending; {delete:[ids]} removes pending items only (section 1, "POST /queue"). */
export function postQueue(ctx: FakeContext, res: ServerResponse, body: unknown): void {
  if (!isRecord(body)) return sendServerError(res);
  if (body['clear']) {
    ctx.record.clears++;
    ctx.queue.wipe();
  }
  if (Array.isArray(body['delete'])) {
    for (const id of body['delete']) {
      if (ctx.queue.deletePending(String(id))) ctx.record.deleted.push(String(id));
    }
  }
  sendEmpty(res);
}

export function getHistory(ctx: FakeContext, res: ServerResponse, query: URLSearchParams): void {
  const maxRaw = query.get('max_items');
  const maxItems = maxRaw !== null ? Number.parseInt(maxRaw, 10) : null;
  let offset = query.get('offset') !== null ? Number.parseInt(query.get('offset')!, 10) : -1;
  if ((maxRaw !== null && Number.isNaN(maxItems)) || Number.isNaN(offset)) return sendServerError(res);
  const entries = [...ctx.queue.history];
  if (offset < 0 && maxItems !== null) offset = entries.length - maxItems;
  const out: Record<string, unknown> = {};
  let count = 0;
  for (let i = 0; i < entries.length; i++) {
    if (i < offset) continue;
    const [id, entry] = entries[i]!;
    out[id] = entry;
    count++;
    if (maxItems !== null && count >= maxItems) break;
  }
  sendJson(res, 200, out);
}

/** `{}` (200) until the entry exists, i.e. until just before `executing {node:null}`. */
export function getHistoryItem(ctx: FakeContext, res: ServerResponse, promptId: string): void {
  const entry = ctx.queue.history.get(promptId);
  sendJson(res, 200, entry ? { [promptId]: entry } : {});
}

export function postHistory(ctx: FakeContext, res: ServerResponse, body: unknown): void {
  if (!isRecord(body)) return sendServerError(res);
  if (body['clear']) ctx.queue.history.clear();
  if (Array.isArray(body['delete'])) for (const id of body['delete']) ctx.queue.history.delete(String(id));
  sendEmpty(res);
}

/**
 * With `prompt_id`: interrupts only if that prompt is running. Without: a global interrupt; on an idle
 * server the flag is reset when the next prompt starts, so it has no effect (section 3, "Interrupt").
 */
export function postInterrupt(ctx: FakeContext, res: ServerResponse, body: unknown): void {
  const requested =
    isRecord(body) && 'prompt_id' in body && body['prompt_id'] !== null ? String(body['prompt_id']) : null;
  const running = ctx.queue.running?.[1] ?? null;
  let hit: string | null = null;
  if (running !== null && (requested === null || requested === running)) {
    ctx.executor.control.interrupt();
    hit = running;
  }
  ctx.record.interrupts.push({ promptId: requested, hit });
  sendEmpty(res);
}

export function postFree(ctx: FakeContext, res: ServerResponse, body: unknown): void {
  if (!isRecord(body)) return sendServerError(res);
  const unloadModels = body['unload_models'] === true;
  const freeMemory = body['free_memory'] === true;
  ctx.record.frees.push({ unloadModels, freeMemory });
  ctx.executor.free(freeMemory);
  sendEmpty(res);
}
