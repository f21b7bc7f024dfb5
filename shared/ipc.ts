/** Electron IPC channel names: one for calls (invoke), one for pushed events. */
export const IPC_CALL = 'comfydesk:call';
export const IPC_EVENT = 'comfydesk:event';
/** Desktop only: the system's folder picker (answers the chosen folder, or null when cancelled). */
export const IPC_PICK_FOLDER = 'comfydesk:pick-folder';

/**
 * Library media in the desktop renderer: `${MEDIA_BASE}/file/<id>` and `${MEDIA_BASE}/thumb/<id>`, served by the
 * main process through a privileged custom protocol. (Headless serves the same paths under `/media`.)
 */
export const MEDIA_SCHEME = 'comfydesk-media';
export const MEDIA_BASE = `${MEDIA_SCHEME}://media`;

/** What the preload exposes as `window.comfydesk`. */
export interface ComfyDeskBridge {
  call(method: string, input: unknown): Promise<unknown>;
  on(event: string, cb: (payload: unknown) => void): () => void;
  /** Desktop only: prefix for library media URLs (MEDIA_BASE); absent in the browser, where '' (same origin) applies. */
  mediaBase?: string;
  /** Desktop only: let the user choose a folder with the system's picker; null when cancelled. */
  pickFolder?(title: string): Promise<string | null>;
}
