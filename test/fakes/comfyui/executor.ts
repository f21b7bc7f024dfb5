/**
 * The fake worker: one prompt at a time in queue-number order, emitting the messages of a real run in the
 * recorded order (ws-capture.jsonl; comfyui-api.md section 2 "Message sequence", section 3).
 */
import { performance } from 'node:perf_hooks';
import { EventEmitter } from 'node:events';
import type { ApiGraph } from '@core/comfy/protocol/messages';
import { encodePreviewFrame, encodePreviewWithMetadataFrame, encodeTextFrame } from '@core/comfy/protocol/messages';
import type { FileStore } from './files';
import { imageSize, neededNodes, runOrder, samplerSteps, seedOf, signatures } from './graph';
import { makePreviewJpeg } from './images';
import { scenePreviewJpeg } from './scenes';
import { SAMPLING_CLASSES, type FakeScript } from './options';
import { produceOutput, type Ui } from './outputs';
import type { HistoryRecord, PromptQueue, QueueTuple } from './queue';
import { ABORTED, Interrupted, RunControl } from './run-control';
import { NodeFailure, failureFor, errorData } from './failures';
import type { WsHub } from './ws-hub';

export interface ExecutorDeps {
  queue: PromptQueue;
  hub: WsHub;
  store: FileStore;
  script(): FakeScript;
  objectInfo(): Record<string, unknown>;
  now(): number;
}

export interface ExecutorEvents {
  /** A prompt finished (history written, `executing {node:null}` sent). */
  done: [promptId: string, status: 'success' | 'error' | 'interrupted'];
  idle: [];
}

interface NodeState {
  value: number;
  max: number;
  state: 'running' | 'finished';
  node_id: string;
  prompt_id: string;
  display_node_id: string;
  parent_node_id: null;
  real_node_id: string;
}

export class Executor extends EventEmitter<ExecutorEvents> {
  readonly control = new RunControl();
  /** Classic cache: signature -> UI output of that node (null when it had none). */
  private readonly cache = new Map<string, { ui: Ui | null }>();
  private busy = false;
  private freePending = false;
  /** The node the running prompt is in, for `executing` on reconnect (section 2). */
  current: { promptId: string; clientId: string | null; node: string | null } | null = null;

  constructor(private readonly deps: ExecutorDeps) {
    super();
  }

  isBusy(): boolean {
    return this.busy;
  }

  /** Wake the worker (on the next turn, so the POST /prompt answer is written first). */
  kick(): void {
    if (this.busy) return;
    this.busy = true;
    const gen = this.control.gen;
    setImmediate(() => void this.loop(gen));
  }

  private async loop(gen: number): Promise<void> {
    try {
      for (;;) {
        this.control.check(gen);
        const item = this.deps.queue.take();
        if (!item) break;
        await this.run(item, gen);
      }
    } catch (e) {
      if (e !== ABORTED) throw e;
      return;
    }
    this.busy = false;
    this.emit('idle');
  }

  /** POST /free: free_memory resets the node caches (between prompts). */
  free(freeMemory: boolean): void {
    if (!freeMemory) return;
    if (this.busy) this.freePending = true;
    else this.cache.clear();
  }

  /** Crash / restart: lose the running prompt and the caches. */
  abort(): void {
    this.control.abortAll();
    this.cache.clear();
    this.busy = false;
    this.current = null;
  }

  private async run(item: QueueTuple, gen: number): Promise<void> {
    const [, promptId, graph, extraData, outputs] = item;
    const { hub, now } = { hub: this.deps.hub, now: this.deps.now };
    const clientId = typeof extraData['client_id'] === 'string' ? extraData['client_id'] : null;
    const script = this.deps.script();
    const info = this.deps.objectInfo() as Record<
      string,
      { output_node?: boolean; input?: { hidden?: Record<string, unknown> } } | undefined
    >;
    if (this.freePending) {
      this.cache.clear();
      this.freePending = false;
    }
    this.control.beginPrompt();
    this.current = { promptId, clientId, node: null };

    const messages: [string, Record<string, unknown>][] = [];
    /** add_message: stored for history; sent to the client, or broadcast when `broadcast` and no client. */
    const addMessage = (type: string, data: Record<string, unknown>, broadcast: boolean): void => {
      const full = { ...data, timestamp: now() };
      messages.push([type, full]);
      if (clientId !== null || broadcast) hub.send(clientId, { type, data: full });
    };
    /** Messages sent only when the prompt has a client_id (executing, executed). */
    const toClient = (type: string, data: Record<string, unknown>): void => {
      if (clientId !== null) hub.send(clientId, { type, data });
    };
    const progressStates = new Map<string, NodeState>();
    const sendProgressState = (): void => {
      hub.send(clientId, {
        type: 'progress_state',
        data: { prompt_id: promptId, nodes: Object.fromEntries(progressStates) },
      });
    };
    const setState = (id: string, value: number, max: number, state: NodeState['state']): void => {
      progressStates.set(id, {
        value,
        max,
        state,
        node_id: id,
        prompt_id: promptId,
        display_node_id: id,
        parent_node_id: null,
        real_node_id: id,
      });
      sendProgressState();
    };

    const isOutput = (id: string): boolean => info[graph[id]?.class_type ?? '']?.output_node === true;
    const needed = neededNodes(graph, outputs);
    const order = runOrder(graph, needed, isOutput);
    const hasUniqueId = (cls: string): boolean =>
      Object.values(info[cls]?.input?.hidden ?? {}).some((v) => JSON.stringify(v).includes('UNIQUE_ID'));
    const sigs = signatures(graph, hasUniqueId, (id) => {
      const node = graph[id];
      if (node?.class_type === 'LoadImage' && typeof node.inputs['image'] === 'string')
        return this.deps.store.inputHash(node.inputs['image']);
      return node?.class_type === 'SaveImageWebsocket' ? `${now()}:${Math.random()}` : '';
    });
    // clean_unused: only entries of nodes in this prompt survive.
    const live = new Set(Object.keys(graph).map((id) => sigs.get(id)!));
    for (const key of [...this.cache.keys()]) if (!live.has(key)) this.cache.delete(key);
    const cached = Object.keys(graph).filter((id) => needed.includes(id) && this.cache.has(sigs.get(id)!));

    addMessage('execution_start', { prompt_id: promptId }, false);
    addMessage('execution_cached', { nodes: cached, prompt_id: promptId }, false);

    const executed: string[] = [];
    const uiOutputs: Record<string, Ui> = {};
    let status: 'success' | 'error' | 'interrupted' = 'success';
    /** Hold points already passed in this prompt (a script may set a new hold point after a release). */
    const holdsDone = new Set<string>();
    const firstSampler = order.find((id) => !cached.includes(id) && SAMPLING_CLASSES.has(graph[id]!.class_type));
    const holdAt = (id: string, step: number): boolean => {
      // Read live: a test may move the hold point while the prompt runs.
      const holdSpec = script.hold === false ? null : script.hold === true ? {} : script.hold;
      if (!holdSpec || holdsDone.has(`${id}:${step}`) || (holdSpec.promptId && holdSpec.promptId !== promptId))
        return false;
      const cls = graph[id]!.class_type;
      const nodeOk = holdSpec.node
        ? holdSpec.node === id || holdSpec.node === cls
        : firstSampler
          ? id === firstSampler
          : executed.length === 0;
      const stepOk = SAMPLING_CLASSES.has(cls) ? step === (holdSpec.step ?? 1) : step === 0;
      return nodeOk && stepOk;
    };

    let currentNode: string | null = null;
    try {
      for (const id of order) {
        const node = graph[id]!;
        if (cached.includes(id)) {
          // A cached output node is still visited: `executed` with its cached UI, then "finished" (section 3).
          if (isOutput(id)) {
            const ui = this.cache.get(sigs.get(id)!)?.ui ?? null;
            if (ui) uiOutputs[id] = ui;
            toClient('executed', { node: id, display_node: id, output: ui, prompt_id: promptId });
            setState(id, 1, 1, 'finished');
          }
          continue;
        }
        currentNode = id;
        this.control.checkInterrupt();
        setState(id, 0, 1, 'running');
        this.current.node = id;
        toClient('executing', { node: id, display_node: id, prompt_id: promptId });
        const failure = failureFor(script.fail, promptId, id, node);
        let max = 1;
        if (SAMPLING_CLASSES.has(node.class_type)) {
          max = script.steps[id] ?? script.steps[node.class_type] ?? samplerSteps(graph, id);
          const holdStep = (step: number): boolean => {
            if (!holdAt(id, step)) return false;
            holdsDone.add(`${id}:${step}`);
            return true;
          };
          await this.sample(graph, id, max, { promptId, clientId, script, gen, failure, setState, holdAt: holdStep });
        } else {
          if (holdAt(id, 0)) {
            // A held node without progress callbacks is busy: an interrupt is only seen at the next node.
            holdsDone.add(`${id}:0`);
            await this.control.holdHere(promptId, gen);
          }
          const delay = script.nodeDelayMs[id] ?? script.nodeDelayMs[node.class_type] ?? 0;
          if (delay > 0) await this.control.wait(delay, gen);
          if (failure && (failure.step ?? 0) === 0) throw new NodeFailure(failure);
        }
        let ui: Ui | null = null;
        if (isOutput(id)) {
          ui = await produceOutput({
            graph,
            id,
            store: this.deps.store,
            extraData,
            now: now(),
            detail: script.outputDetail,
          });
          this.control.check(gen);
          if (ui) {
            uiOutputs[id] = ui;
            toClient('executed', { node: id, display_node: id, output: ui, prompt_id: promptId });
          }
        }
        setState(id, max, max, 'finished');
        executed.push(id);
        this.cache.set(sigs.get(id)!, { ui });
      }
      addMessage('execution_success', { prompt_id: promptId }, false);
    } catch (e) {
      if (e === ABORTED) throw e;
      const nodeId = currentNode ?? order[0] ?? '';
      const nodeType = graph[nodeId]?.class_type ?? '';
      if (e instanceof Interrupted) {
        status = 'interrupted';
        addMessage(
          'execution_interrupted',
          { prompt_id: promptId, node_id: nodeId, node_type: nodeType, executed },
          true,
        );
      } else {
        status = 'error';
        const data = errorData(e, {
          promptId,
          nodeId,
          node: graph[nodeId],
          executed,
          allNodes: Object.keys(graph),
          hasUniqueId: hasUniqueId(nodeType),
        });
        addMessage('execution_error', data, false);
      }
    }
    this.current = null;
    const meta: HistoryRecord['meta'] = {};
    for (const id of Object.keys(uiOutputs))
      meta[id] = { node_id: id, display_node: id, parent_node: null, real_node_id: id };
    // task_done: history written and `status` broadcast, then `executing {node:null}` (section 1 "GET /history").
    this.deps.queue.done(item, {
      outputs: uiOutputs,
      status: { status_str: status === 'success' ? 'success' : 'error', completed: status === 'success', messages },
      meta,
    });
    toClient('executing', { node: null, prompt_id: promptId });
    this.deps.hub.sendLog(`Prompt executed in 0.00 seconds\n`, new Date(now()).toISOString());
    this.emit('done', promptId, status);
  }

  /** A sampling node: per step TEXT (SlowProgressImage), progress_state, progress and previews in the recorded order. */
  private async sample(
    graph: ApiGraph,
    id: string,
    steps: number,
    o: {
      promptId: string;
      clientId: string | null;
      script: FakeScript;
      gen: number;
      failure: ReturnType<typeof failureFor>;
      setState: (id: string, value: number, max: number, state: 'running' | 'finished') => void;
      holdAt: (step: number) => boolean;
    },
  ): Promise<void> {
    const { hub } = this.deps;
    const node = graph[id]!;
    const slow = node.class_type === 'SlowProgressImage';
    const previews = o.script.previews || (slow && node.inputs['preview'] === true);
    const failAt = slow && typeof node.inputs['fail_at'] === 'number' ? node.inputs['fail_at'] : 0;
    const { width, height } = imageSize(graph, id);
    const seed = seedOf(graph, id);
    if (o.failure && (o.failure.step ?? 0) === 0) throw new NodeFailure(o.failure);
    // Steps end on a fixed schedule from the sampler's start (like a GPU's steady step time): timer lateness
    // does not add up over the steps.
    const startedAt = performance.now();
    for (let step = 1; step <= steps; step++) {
      const due = o.script.msPerStep > 0 ? startedAt + step * o.script.msPerStep - performance.now() : 0;
      await this.control.wait(Math.max(0, due), o.gen);
      if (o.holdAt(step)) await this.control.holdHere(o.promptId, o.gen);
      // The sampler callback checks the interrupt flag before reporting the step (interrupt+delete recording).
      this.control.checkInterrupt();
      const jpeg = !previews
        ? null
        : o.script.outputDetail === 'scene'
          ? await scenePreviewJpeg(seed, width, height, step, steps)
          : await makePreviewJpeg(width, height, seed, step);
      this.control.check(o.gen);
      // SlowProgressImage's progress text (sent with its previews): binary TEXT, broadcast to every client.
      if (slow && node.inputs['preview'] === true) hub.sendBinary(null, encodeTextFrame(id, `step ${step}/${steps}`));
      o.setState(id, step, steps, 'running');
      const progress = { type: 'progress', data: { value: step, max: steps, prompt_id: o.promptId, node: id } };
      if (jpeg && hub.supportsPreviewMetadata(o.clientId)) {
        const meta = {
          node_id: id,
          prompt_id: o.promptId,
          display_node_id: id,
          parent_node_id: null,
          real_node_id: id,
          image_type: 'image/jpeg',
        };
        hub.sendBinary(o.clientId, encodePreviewWithMetadataFrame(meta, jpeg));
        hub.send(o.clientId, progress);
      } else {
        hub.send(o.clientId, progress);
        if (jpeg) hub.sendBinary(o.clientId, encodePreviewFrame(jpeg, 'jpeg'));
      }
      if (failAt === step) {
        throw new NodeFailure({ node: id, step, message: `SlowProgressImage: deliberate failure at step ${step}` });
      }
      if (o.failure && o.failure.step === step) throw new NodeFailure(o.failure);
    }
  }
}
