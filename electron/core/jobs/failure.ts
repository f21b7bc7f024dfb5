/**
 * How a job's failure reads to a person, and whether it is worth another try. Faults of the backend (it lost the
 * job, restarted, went away) are retried once; faults of the job (a node raised, out of memory, validation) are not.
 */
import { ComfyJobError, type JobFailure } from '@core/comfy/backends/backend-types';
import { ComfyError, ComfyValidationError } from '@core/comfy/protocol/errors';

export type FailureClass =
  /** ComfyUI lost it or could not be reached: another attempt may work. */
  | { retry: true; message: string; hint: string }
  /** The job itself is at fault, or it was stopped on purpose: do not retry. */
  | { retry: false; message: string; hint: string; interrupted?: boolean };

/** What helps after each kind of failure — "try again" only where trying again can help. */
export const FAILURE_HINTS = {
  interrupted: 'Run it again when you want it.',
  outOfMemory:
    'Try a smaller size or batch, fewer frames or steps; the desktop owner can free VRAM on the Health page.',
  node: "Check that node's settings in the workflow; ComfyUI's log (Health page) says more.",
  validation:
    'A model file or a value does not fit this ComfyUI: pick other files for the workflow, or get the missing one on the Models page.',
  backend: 'ComfyUI was not reachable or restarted: check it on the Health page; the job can run again once it is up.',
  noComfy: 'Start ComfyUI (or check Settings → ComfyUI), then run it again. Settings → Queue sets how long jobs wait.',
  lostTwice: 'ComfyUI lost it twice: check that ComfyUI is stable (its log is on the Health page), then run it again.',
} as const;

const OOM = /out of memory|OutOfMemory|CUDA error: out of memory|MPS backend out of memory|allocat(e|ion) .*memory/i;

export function describeNodeFailure(failure: JobFailure): string {
  const e = failure.error;
  if (!e) return failure.message;
  const where = `${e.classType || 'a node'} (node ${e.nodeId})`;
  if (OOM.test(e.message) || OOM.test(e.exceptionType)) {
    return `ComfyUI ran out of GPU memory in ${where}.`;
  }
  const text = e.message.length > 500 ? `${e.message.slice(0, 500)}…` : e.message;
  return `${where} failed: ${e.exceptionType ? `${e.exceptionType}: ` : ''}${text}`;
}

export function classifyFailure(err: unknown): FailureClass {
  if (err instanceof ComfyJobError) {
    if (err.outcome.kind === 'interrupted') {
      return {
        retry: false,
        interrupted: true,
        message: 'It was stopped on ComfyUI before it finished.',
        hint: FAILURE_HINTS.interrupted,
      };
    }
    const failure = err.outcome.failure;
    if (failure.reason === 'error') {
      const oom = !!failure.error && (OOM.test(failure.error.message) || OOM.test(failure.error.exceptionType));
      return {
        retry: false,
        message: describeNodeFailure(failure),
        hint: oom ? FAILURE_HINTS.outOfMemory : FAILURE_HINTS.node,
      };
    }
    return { retry: true, message: failure.message, hint: FAILURE_HINTS.backend };
  }
  if (err instanceof ComfyValidationError)
    return { retry: false, message: err.message, hint: FAILURE_HINTS.validation };
  if (err instanceof ComfyError) {
    if (err.kind === 'rejected' || err.kind === 'invalid-response') {
      return { retry: false, message: err.message, hint: FAILURE_HINTS.validation };
    }
    return { retry: true, message: err.message, hint: FAILURE_HINTS.backend };
  }
  return { retry: false, message: err instanceof Error ? err.message : String(err), hint: FAILURE_HINTS.node };
}
