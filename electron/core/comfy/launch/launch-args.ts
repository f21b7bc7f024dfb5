/**
 * ComfyUI's command line and the output lines that tell what happened (docs/reference/comfyui-api.md §5):
 * the "To see the GUI go to:" line printed once the server listens, and the port-in-use error.
 */

/** Printed once per listen address after the socket is bound (on stderr unless --log-stdout). */
export const READY_LINE = /To see the GUI go to: (https?):\/\/(\S+):(\d+)/;
/** The bind error of a taken port, as Linux, macOS and Windows word it. */
export const PORT_IN_USE = /address already in use|Errno 98|Errno 48|10048|only one usage of each socket address/i;

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
