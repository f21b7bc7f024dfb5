/**
 * Where secrets (the Discord bot token, the Hugging Face and CivitAI download tokens) live. The core only knows this interface: the desktop shell implements
 * it with Electron's safeStorage, headless reads an environment variable or a 0600 file in the data dir.
 * Secrets never travel to the renderer; the API only says whether one is set.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { registerSecret } from './log';

export type SecretName = 'discordToken' | 'huggingfaceToken' | 'civitaiToken' | 'comfyBackendAuth';

export interface SecretStore {
  get(name: SecretName): string | null;
  set(name: SecretName, value: string): void;
  delete(name: SecretName): void;
  /** Where secrets are kept, for the UI ("encrypted with the OS keychain", "file with 0600 permissions"). */
  describe(): string;
}

/** The environment variable that supplies each secret instead of the store (it wins when set). */
export const SECRET_ENV_NAMES: Readonly<Record<SecretName, string>> = {
  discordToken: 'COMFYDESK_DISCORD_TOKEN',
  huggingfaceToken: 'COMFYDESK_HUGGINGFACE_TOKEN',
  civitaiToken: 'COMFYDESK_CIVITAI_TOKEN',
  /** JSON: backend address → {kind: 'bearer', token} or {kind: 'basic', username, password}. */
  comfyBackendAuth: 'COMFYDESK_COMFY_AUTH',
};
const ENV_NAMES = SECRET_ENV_NAMES;

/** Headless: env var wins; otherwise `<dataDir>/secrets/<name>` readable only by the owner. */
export class FileSecretStore implements SecretStore {
  constructor(
    private readonly dir: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  get(name: SecretName): string | null {
    const fromEnv = this.env[ENV_NAMES[name]];
    if (fromEnv) {
      registerSecret(fromEnv);
      return fromEnv;
    }
    const file = this.file(name);
    if (!existsSync(file)) return null;
    if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
      throw new Error(`${file} is readable by other users; run: chmod 600 "${file}"`);
    }
    const value = readFileSync(file, 'utf8').trim();
    registerSecret(value);
    return value || null;
  }

  set(name: SecretName, value: string): void {
    registerSecret(value);
    const file = this.file(name);
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, value, { mode: 0o600 });
    chmodSync(file, 0o600);
  }

  delete(name: SecretName): void {
    rmSync(this.file(name), { force: true });
  }

  describe(): string {
    return `a file readable only by you in ${this.dir} (or the environment variables ${Object.values(ENV_NAMES).join(', ')})`;
  }

  private file(name: SecretName): string {
    return join(this.dir, name);
  }
}

/** Tests and the shell's fallback. */
export class MemorySecretStore implements SecretStore {
  private readonly values = new Map<SecretName, string>();
  get(name: SecretName): string | null {
    return this.values.get(name) ?? null;
  }
  set(name: SecretName, value: string): void {
    registerSecret(value);
    this.values.set(name, value);
  }
  delete(name: SecretName): void {
    this.values.delete(name);
  }
  describe(): string {
    return 'memory (not persisted)';
  }
}
