/**
 * What the backends manager persists, as the interfaces it needs: the composition root hands it the store's
 * implementations, so comfy/ never imports the store.
 */
import type { BackendKind, BackendRecord } from '@shared/backends';

export type { BackendKind, BackendRecord };

export interface BackendRecords {
  list(): BackendRecord[];
  get(id: string): BackendRecord | null;
  byUrl(url: string): BackendRecord | null;
  /** The record for this address, created with the given kind and name when there is none. */
  ensure(url: string, kind: BackendKind, name?: string, launchPath?: string, device?: number | null): BackendRecord;
  update(
    id: string,
    fields: { url?: string; name?: string; launchPath?: string | null; device?: number | null },
  ): BackendRecord | null;
  setEnabled(id: string, enabled: boolean): void;
  /** Trust one certificate (SHA-256 fingerprint) for an https backend; null: the system's trust. */
  setTlsPin(id: string, fingerprint: string | null): void;
  /** Seen online now. */
  touch(id: string): void;
  remove(id: string): void;
}

/** Local ComfyUI addresses the user removed: discovery does not take them back; adding one again clears it. */
export interface RemovedAddresses {
  list(): string[];
  remember(url: string): void;
  forget(url: string): void;
}
