/**
 * How a job's failure reads to a person, and whether it is worth another try. Faults of the backend (it lost the
 * job, restarted, went away) are retried once; faults of the job (a node raised, out of memory, validation) are not.
 */
import { ComfyJobError, type JobFailure } from '@core/comfy/backends/backend-types';
import { ComfyError, ComfyValidationError } from '@core/comfy/protocol/errors';

export type FailureClass =
  /** ComfyUI lost it or could not be reached: another attempt may work. */
  | { retry: true; message: string }
  /** The job itself is at fault, or it was stopped on purpose: do not retry. */
  | { retry: false; message: string; interrupted?: boolean };

const OOM = /out of memory|OutOfMemory|CUDA error: out of memory|MPS backend out of memory|allocat(e|ion) .*memory/i;

export function describeNodeFailure(failure: JobFailure): string {
  const e = failure.error;
  if (!e) return failure.message;
  const where = `${e.classType || 'a node'} (node ${e.nodeId})`;
  if (OOM.test(e.message) || OOM.test(e.exceptionType)) {
    return `ComfyUI ran out of GPU memory in ${where}. Try a smaller size or batch, fewer frames, or free VRAM and run it again.`;
  }
  const text = e.message.length > 500 ? `${e.message.slice(0, 500)}…` : e.message;
  return `${where} failed: ${e.exceptionType ? `${e.exceptionType}: ` : ''}${text}`;
}

export function classifyFailure(err: unknown): FailureClass {
  if (err instanceof ComfyJobError) {
    if (err.outcome.kind === 'interrupted') {
      return { retry: false, interrupted: true, message: 'It was stopped on ComfyUI before it finished.' };
    }
    const failure = err.outcome.failure;
    if (failure.reason === 'error') return { retry: false, message: describeNodeFailure(failure) };
    return { retry: true, message: failure.message };
  }
  if (err instanceof ComfyValidationError) return { retry: false, message: err.message };
  if (err instanceof ComfyError) {
    if (err.kind === 'rejected' || err.kind === 'invalid-response') return { retry: false, message: err.message };
    return { retry: true, message: err.message };
  }
  return { retry: false, message: err instanceof Error ? err.message : String(err) };
}
