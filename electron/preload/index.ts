/**
 * The renderer's only door to the core: window.comfydesk = { call(method, input), on(event, cb) -> unsubscribe }.
 * Also `mediaBase`, the prefix of library media URLs. Runs sandboxed with contextIsolation, so it may import
 * nothing but 'electron' and plain constants: the main process validates every call against the contract
 * (shared/api.ts) and the renderer client every event.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_CALL, IPC_EVENT, IPC_PICK_FOLDER, MEDIA_BASE, type ComfyDeskBridge } from '@shared/ipc';

const bridge: ComfyDeskBridge = {
  /** Library media URLs: `${mediaBase}/file/<id>`, `${mediaBase}/thumb/<id>` (electron/main/media-protocol.ts). */
  mediaBase: MEDIA_BASE,
  call(method: string, input: unknown): Promise<unknown> {
    return ipcRenderer.invoke(IPC_CALL, String(method), input);
  },
  on(event: string, cb: (payload: unknown) => void): () => void {
    const listener = (_e: IpcRendererEvent, name: string, payload: unknown) => {
      if (name === event) cb(payload);
    };
    ipcRenderer.on(IPC_EVENT, listener);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT, listener);
    };
  },
  async pickFolder(title: string): Promise<string | null> {
    const folder: unknown = await ipcRenderer.invoke(IPC_PICK_FOLDER, String(title));
    return typeof folder === 'string' ? folder : null;
  },
};

contextBridge.exposeInMainWorld('comfydesk', bridge);
