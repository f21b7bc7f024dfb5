/** A ComfyUI backend as ComfyDesk remembers it (the store keeps it; the backends manager reads and writes it). */

/** How ComfyDesk knows it: it launched it, found it running on this machine, or was given its address. */
export type BackendKind = 'launched' | 'local' | 'remote';

export interface BackendRecord {
  id: string;
  name: string;
  url: string;
  kind: BackendKind;
  enabled: boolean;
  /** The WebSocket clientId we use with this ComfyUI, stable across restarts. */
  clientId: string;
  launchPath: string | null;
  /** The CUDA device of a ComfyUI launched on one GPU (`--cuda-device N`); null otherwise. */
  device: number | null;
  lastSeen: number | null;
  /** https: the SHA-256 fingerprint of the one certificate trusted for it; null: the system's trust. */
  tlsPin: string | null;
}
