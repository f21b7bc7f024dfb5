/**
 * The renderer's one API client: IPC through the preload bridge in Electron, the headless server's WebSocket in
 * a browser. Pages and stores import `api` and never know which.
 */
import { ApiClient, type Transport } from '@shared/api-client';
import { CallResultSchema, type CallResult } from '@shared/api';
import { WsTransport } from '@shared/api-ws-transport';
import type { ComfyDeskBridge } from '@shared/ipc';

declare global {
  interface Window {
    comfydesk?: ComfyDeskBridge;
  }
}

class IpcTransport implements Transport {
  constructor(private readonly bridge: ComfyDeskBridge) {}
  async call(method: string, input: unknown): Promise<CallResult> {
    return CallResultSchema.parse(await this.bridge.call(method, input));
  }
  on(event: string, listener: (payload: unknown) => void): () => void {
    return this.bridge.on(event, listener);
  }
}

export type ConnectionStatus = 'connecting' | 'open' | 'closed';
const statusListeners = new Set<(s: ConnectionStatus) => void>();
export function onConnectionStatus(listener: (s: ConnectionStatus) => void): () => void {
  statusListeners.add(listener);
  return () => statusListeners.delete(listener);
}

function createTransport(): Transport {
  if (window.comfydesk) return new IpcTransport(window.comfydesk);
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/ws`;
  return new WsTransport({
    url,
    createSocket: (u) => new WebSocket(u),
    onStatus: (s) => statusListeners.forEach((l) => l(s)),
  });
}

export const api = new ApiClient(createTransport());
