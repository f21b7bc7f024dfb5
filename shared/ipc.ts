/** Electron IPC channel names: one for calls (invoke), one for pushed events. */
export const IPC_CALL = 'comfydesk:call';
export const IPC_EVENT = 'comfydesk:event';

/** What the preload exposes as `window.comfydesk`. */
export interface ComfyDeskBridge {
  call(method: string, input: unknown): Promise<unknown>;
  on(event: string, cb: (payload: unknown) => void): () => void;
}
