/**
 * What a failed start of ComfyUI says to a person: what happened and what to do, read from the way it failed and
 * its last output lines (a missing Python module, a taken port, no GPU driver…). The last lines follow the summary
 * (LaunchError adds them).
 */
import { PORT_IN_USE } from './launch-args';
import type { LogLine } from './log-tail';

/** The process ended before it was ready: the summary names the likely fix. */
export function exitedSummary(
  tail: readonly LogLine[],
  ctx: { python: string; port: number; comfyDir: string },
): string {
  const text = tail.map((l) => l.text).join('\n');
  const module = /ModuleNotFoundError: No module named '([^']+)'/.exec(text)?.[1];
  if (PORT_IN_USE.test(text)) {
    return (
      `ComfyUI stopped while starting: port ${ctx.port} is already used by another program (perhaps another ComfyUI). ` +
      `Close that program, or if it is a ComfyUI you started yourself, add its address in Settings → ComfyUI instead of launching a second one.`
    );
  }
  if (module) {
    return (
      `ComfyUI stopped while starting: its Python has no module "${module}". Install ComfyUI's requirements with the ` +
      `Python that runs it (in ${ctx.comfyDir}: ${ctx.python} -m pip install -r requirements.txt), then start it again.`
    );
  }
  if (/Torch not compiled with CUDA|Found no NVIDIA driver|CUDA driver version is insufficient/i.test(text)) {
    return (
      'ComfyUI stopped while starting: it found no usable GPU driver. Install or update the NVIDIA driver, or add ' +
      '--cpu to the extra flags in Settings → ComfyUI to run on the processor (much slower).'
    );
  }
  return 'ComfyUI stopped while starting. Its last output lines are below: fix what they report, then start it again.';
}

/** The OS refused to run the interpreter. */
export function spawnFailedSummary(command: string, err: NodeJS.ErrnoException): string {
  const why =
    err.code === 'ENOENT'
      ? 'that program does not exist'
      : err.code === 'EACCES'
        ? 'it may not be run (no permission to execute it)'
        : err.message;
  return (
    `Could not start ComfyUI's Python (${command}): ${why}. Install Python 3.10 or newer, or create a venv in the ` +
    'ComfyUI folder (python3 -m venv venv, then venv/bin/pip install -r requirements.txt), then start it again.'
  );
}

/** No interpreter was found for the install. */
export function noPythonSummary(comfyDir: string): string {
  return (
    `No Python found to run ComfyUI in ${comfyDir}: it has no venv, .venv or python_embeded folder, and there is no ` +
    'python3 or python on PATH. Install Python 3.10 or newer (python.org), or create a venv in that folder ' +
    '(python3 -m venv venv, then venv/bin/pip install -r requirements.txt), then start it again.'
  );
}

/** No ComfyUI folder where one was expected. */
export function notFoundSummary(where: string): string {
  return (
    `No ComfyUI found ${where}: there is no main.py (or ComfyUI/main.py with python_embeded for the portable build). ` +
    'Choose the folder that holds main.py in Settings → ComfyUI.'
  );
}
