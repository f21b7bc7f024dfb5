/** Bridges the core API to Electron IPC: one invoke channel for calls, one send channel for every event. */
import { ipcMain, type WebContents } from 'electron';
import { IPC_CALL, IPC_EVENT } from '../../shared/ipc';
import type { Core } from '../core/app';

export function bridgeIpc(core: Core, targets: () => WebContents[]): () => void {
  ipcMain.handle(IPC_CALL, (_event, method: unknown, input: unknown) =>
    core.api.dispatch(typeof method === 'string' ? method : '', input, { caller: 'desktop' }),
  );
  const detach = core.events.onAny((event, payload) => {
    for (const wc of targets()) if (!wc.isDestroyed()) wc.send(IPC_EVENT, event, payload);
  });
  return () => {
    ipcMain.removeHandler(IPC_CALL);
    detach();
  };
}
