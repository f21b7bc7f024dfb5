/**
 * Where each backend's credentials are kept: one entry of the secret store (`comfyBackendAuth`, encrypted by the
 * OS on the desktop, a 0600 file headless, or COMFYDESK_COMFY_AUTH), a JSON map from backend address to its
 * bearer token or user name and password. Read when a backend starts; never sent to the renderer.
 */
import { z } from 'zod';
import { BackendAuthSchema, type BackendAuth, type BackendAuthKind } from '@shared/backend-auth';
import type { Logger } from '@core/log';
import type { SecretStore } from '@core/secrets';

const MapSchema = z.record(z.string(), BackendAuthSchema);

export class BackendAuthStore {
  constructor(
    private readonly secrets: SecretStore,
    private readonly log?: Logger,
  ) {}

  get(url: string): BackendAuth | null {
    return this.all()[url] ?? null;
  }

  kindOf(url: string): BackendAuthKind {
    return this.get(url)?.kind ?? 'none';
  }

  /** Keep (or with null, forget) the credentials of the backend at `url`. */
  set(url: string, auth: BackendAuth | null): void {
    const all = this.all();
    if (auth) all[url] = auth;
    else delete all[url];
    if (Object.keys(all).length === 0) this.secrets.delete('comfyBackendAuth');
    else this.secrets.set('comfyBackendAuth', JSON.stringify(all));
  }

  private all(): Record<string, BackendAuth> {
    let raw: string | null;
    try {
      raw = this.secrets.get('comfyBackendAuth');
    } catch (err) {
      this.log?.warn('backend credentials unreadable', { error: (err as Error).message });
      return {};
    }
    if (!raw) return {};
    try {
      const parsed = MapSchema.safeParse(JSON.parse(raw));
      if (parsed.success) return parsed.data;
    } catch {
      // reported below
    }
    this.log?.warn('backend credentials are not a valid map of address to credentials; ignored');
    return {};
  }
}
