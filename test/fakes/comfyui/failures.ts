/**
 * Scripted node failures and the `execution_error` data built from them (comfyui-api.md section 2,
 * "execution_error data"; recorded example in ws-capture.jsonl, phase "error").
 */
import type { ApiNode } from '@core/comfy/protocol/messages';
import { isLink } from './graph';
import type { FailScript } from './options';

/** Text execution.py appends to the message of an out-of-memory error. */
export const OOM_TIPS =
  'This error means you ran out of memory on your GPU.\n\nTIPS: If the workflow worked before you might have accidentally set the batch_size to a large number.';

const DEFAULT_OOM =
  'CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 23.99 GiB of which 512.00 MiB is free.';

export class NodeFailure extends Error {
  constructor(readonly spec: FailScript) {
    super(spec.message ?? 'failure');
  }
}

/** The scripted failure that applies to node `id` of prompt `promptId`, if any. */
export function failureFor(fail: FailScript | null, promptId: string, id: string, node: ApiNode): FailScript | null {
  if (!fail) return null;
  if (fail.promptId && fail.promptId !== promptId) return null;
  return fail.node === id || fail.node === node.class_type ? fail : null;
}

export interface ErrorContext {
  promptId: string;
  nodeId: string;
  node: ApiNode | undefined;
  executed: string[];
  /** `current_outputs`: the recording lists every node id of the prompt. */
  allNodes: string[];
  hasUniqueId: boolean;
}

function traceback(classType: string, message: string): string[] {
  return [
    '  File "/srv/ComfyUI/execution.py", line 496, in execute\n    output_data, output_ui, has_subgraph, has_pending_tasks = await get_output_data(prompt_id, unique_id, obj, input_data_all, execution_block_cb=execution_block_cb, pre_execute_cb=pre_execute_cb, hidden_inputs=hidden_inputs)\n',
    '  File "/srv/ComfyUI/execution.py", line 315, in get_output_data\n    return_values = await _async_map_node_over_list(prompt_id, unique_id, obj, input_data_all, obj.FUNCTION, allow_interrupt=True, execution_block_cb=execution_block_cb, pre_execute_cb=pre_execute_cb, hidden_inputs=hidden_inputs)\n',
    '  File "/srv/ComfyUI/execution.py", line 277, in process_inputs\n    result = f(**inputs)\n',
    `  File "/srv/ComfyUI/fake_nodes.py", line 1, in ${classType}\n    raise Exception(${JSON.stringify(message)})\n`,
  ];
}

/** `current_inputs`: each input as a one-element list; linked values are printed objects (`str()`). */
function currentInputs(node: ApiNode | undefined, nodeId: string, hasUniqueId: boolean): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const [k, v] of Object.entries(node?.inputs ?? {})) {
    out[k] = [isLink(v) ? `<object at 0x7f00${v[0].padStart(4, '0')}${String(v[1]).padStart(4, '0')}>` : v];
  }
  if (hasUniqueId) out['unique_id'] = [nodeId];
  return out;
}

/** The `execution_error` data (without `timestamp`, which add_message adds). */
export function errorData(e: unknown, ctx: ErrorContext): Record<string, unknown> {
  let exceptionType = 'Exception';
  let message = e instanceof Error ? e.message : String(e);
  if (e instanceof NodeFailure) {
    if (e.spec.kind === 'oom') {
      exceptionType = 'torch.OutOfMemoryError';
      message = `${e.spec.message ?? DEFAULT_OOM}\n${OOM_TIPS}`;
    } else {
      exceptionType = e.spec.exceptionType ?? 'RuntimeError';
      message = `${e.spec.message ?? `${ctx.node?.class_type ?? 'node'}: scripted failure`}\n`;
    }
  } else {
    message = `${message}\n`;
  }
  const classType = ctx.node?.class_type ?? '';
  return {
    prompt_id: ctx.promptId,
    node_id: ctx.nodeId,
    node_type: classType,
    executed: ctx.executed,
    exception_message: message,
    exception_type: exceptionType,
    traceback: traceback(classType, message.trim()),
    current_inputs: currentInputs(ctx.node, ctx.nodeId, ctx.hasUniqueId),
    current_outputs: ctx.allNodes,
  };
}
