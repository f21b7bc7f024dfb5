/**
 * ComfyUI's command line and the output lines that tell what happened (docs/reference/comfyui-api.md §5):
 * the "To see the GUI go to:" line printed once the server listens, and the port-in-use error.
 */

/** Printed once per listen address after the socket is bound (on stderr unless --log-stdout). */
export const READY_LINE = /To see the GUI go to: (https?):\/\/(\S+):(\d+)/;
/** The bind error of a taken port, as Linux, macOS and Windows word it. */
export const PORT_IN_USE = /address already in use|Errno 98|Errno 48|10048|only one usage of each socket address/i;

/** Flags the launcher sets itself; a second copy in the extra flags would fight them. */
export const RESERVED_FLAGS = ['--listen', '--port', '--output-directory', '--input-directory'];

/** The extra flags among `args` that the launcher sets itself (`--port=8000` counts as `--port`). */
export function reservedIn(args: readonly string[]): string[] {
  return args.filter((a) => RESERVED_FLAGS.includes(a.split('=')[0]!));
}

/**
 * Split a command line as typed in an environment variable (`--lowvram --cuda-device 1`): words separated by
 * spaces, "double" or 'single' quotes keep spaces inside one word. Backslashes are kept as they are (Windows
 * paths). Throws when a quote is not closed.
 */
export function splitArgs(line: string): string[] {
  const out: string[] = [];
  let word: string | null = null;
  let quote: '"' | "'" | null = null;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = null;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      word ??= '';
    } else if (/\s/.test(ch)) {
      if (word !== null) out.push(word);
      word = null;
    } else {
      word = (word ?? '') + ch;
    }
  }
  if (quote) throw new Error(`a ${quote} quote is not closed`);
  if (word !== null) out.push(word);
  return out;
}

/** `python <args>`: main.py, where to listen, ComfyDesk's input/output folders, previews, then the user's flags. */
export function buildLaunchArgs(o: {
  mainPy: string;
  host: string;
  port: number;
  outputDir: string;
  inputDir: string;
  previewMethod: string;
  extraArgs: readonly string[];
}): string[] {
  return [
    o.mainPy,
    '--listen',
    o.host,
    '--port',
    String(o.port),
    '--output-directory',
    o.outputDir,
    '--input-directory',
    o.inputDir,
    '--preview-method',
    o.previewMethod,
    ...o.extraArgs,
  ];
}
