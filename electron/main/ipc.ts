/**
 * Bridges the core API to Electron IPC: one invoke channel for calls, one send channel for every event. Calls
 * are accepted only from frames showing the app itself (never from a page that got navigated elsewhere), and
 * every call is validated by the core against shared/api.ts.
 */
import { ipcMain, type WebContents } from 'electron';
import type { CallResult } from '@shared/api';
import { IPC_CALL, IPC_EVENT, IPC_PICK_FOLDER } from '@shared/ipc';
import type { Core } from '@core/app';

const REFUSED: CallResult = {
  ok: false,
  error: { code: 'unauthorized', message: 'Only the ComfyDesk window may call the core.' },
};

export function bridgeIpc(
  core: { api: Pick<Core['api'], 'dispatch'>; events: Core['events'] },
  targets: () => WebContents[],
  isAppUrl: (frameUrl: string) => boolean = () => true,
  /** The system's folder picker (the shell passes Electron's dialog). */
  pickFolder?: (title: string) => Promise<string | null>,
): () => void {
  ipcMain.handle(IPC_CALL, (event, method: unknown, input: unknown) => {
    if (!isAppUrl(event.senderFrame?.url ?? '')) return REFUSED;
    return core.api.dispatch(typeof method === 'string' ? method : '', input, { caller: 'desktop' });
  });
  ipcMain.handle(IPC_PICK_FOLDER, async (event, title: unknown) => {
    if (!pickFolder || !isAppUrl(event.senderFrame?.url ?? '')) return null;
    return pickFolder(typeof title === 'string' ? title.slice(0, 200) : 'Choose a folder');
  });
  const detach = core.events.onAny((event, payload) => {
    for (const wc of targets()) if (!wc.isDestroyed()) wc.send(IPC_EVENT, event, payload);
  });
  return () => {
    ipcMain.removeHandler(IPC_CALL);
    ipcMain.removeHandler(IPC_PICK_FOLDER);
    detach();
  };
}
