/**
 * What a start of ComfyUI that could not begin says to a person: no ComfyUI folder, no Python, or a Python the OS
 * would not run, each with what to do. A start that ended before it was ready is read from its output instead
 * (startup-failure.ts); LaunchError adds the last lines.
 */

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
