/**
 * The desktop's SecretStore: values encrypted by the OS (macOS Keychain, Windows DPAPI, Linux libsecret/kwallet)
 * through Electron's safeStorage, kept in `<userData>/secrets/<name>.enc` readable only by the owner.
 *
 * Without real OS encryption (Linux with no keyring, where safeStorage would fall back to a hard-coded key,
 * `basic_text`), nothing is written: `set` refuses with an explanation. The token can then come from the
 * COMFYDESK_DISCORD_TOKEN environment variable, or the user opts in to a plain 0600 file (the headless store)
 * with COMFYDESK_ALLOW_PLAINTEXT_SECRETS=1. A warning is logged either way. The token never reaches the renderer:
 * the API only says whether one is set.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SafeStorage } from 'electron';
import { nullLogger, registerSecret, type Logger } from '@core/log';
import { FileSecretStore, SECRET_ENV_NAMES, type SecretName, type SecretStore } from '@core/secrets';

export type SafeStorageLike = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> &
  Partial<Pick<SafeStorage, 'getSelectedStorageBackend'>>;

const ENV_NAMES = SECRET_ENV_NAMES;
export const PLAINTEXT_OPT_IN_ENV = 'COMFYDESK_ALLOW_PLAINTEXT_SECRETS';

export interface SafeStorageSecretStoreOptions {
  /** `<userData>/secrets` */
  dir: string;
  safeStorage: SafeStorageLike;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  logger?: Logger;
}

export class SafeStorageSecretStore implements SecretStore {
  private readonly env: NodeJS.ProcessEnv;
  private readonly platform: NodeJS.Platform;
  private readonly logger: Logger;
  private readonly plaintext: FileSecretStore | null;
  private warned = false;
  /** Decrypted values, so frequent reads (the health summary asks whether a token is set) stay in memory. */
  private readonly cache = new Map<SecretName, string | null>();

  constructor(private readonly options: SafeStorageSecretStoreOptions) {
    this.env = options.env ?? process.env;
    this.platform = options.platform ?? process.platform;
    this.logger = options.logger ?? nullLogger;
    const optIn = ['1', 'true', 'yes'].includes((this.env[PLAINTEXT_OPT_IN_ENV] ?? '').toLowerCase());
    this.plaintext = optIn ? new FileSecretStore(options.dir, this.env) : null;
  }

  /** True when the OS really encrypts (not Linux's `basic_text` fallback with a hard-coded key). */
  encryptionAvailable(): boolean {
    const { safeStorage } = this.options;
    if (!safeStorage.isEncryptionAvailable()) return false;
    if (this.platform === 'linux' && safeStorage.getSelectedStorageBackend) {
      const backend = safeStorage.getSelectedStorageBackend();
      if (backend === 'basic_text' || backend === 'unknown') return false;
    }
    return true;
  }

  get(name: SecretName): string | null {
    const fromEnv = this.env[ENV_NAMES[name]];
    if (fromEnv) {
      registerSecret(fromEnv);
      return fromEnv;
    }
    if (this.cache.has(name)) return this.cache.get(name)!;
    const file = this.file(name);
    if (existsSync(file)) {
      if (!this.encryptionAvailable()) {
        this.warnOnce();
        return this.plaintext?.get(name) ?? null;
      }
      const value = this.options.safeStorage.decryptString(readFileSync(file));
      registerSecret(value);
      this.cache.set(name, value || null);
      return value || null;
    }
    if (this.plaintext) return this.plaintext.get(name);
    return null;
  }

  set(name: SecretName, value: string): void {
    registerSecret(value);
    this.cache.delete(name);
    if (!this.encryptionAvailable()) {
      this.warnOnce();
      if (!this.plaintext) {
        throw new Error(
          'The OS cannot encrypt secrets here (no keyring found), so ComfyDesk will not save the token. Install and unlock a ' +
            `keyring (GNOME Keyring or KWallet), or set ${ENV_NAMES[name]}, or start ComfyDesk with ${PLAINTEXT_OPT_IN_ENV}=1 ` +
            'to keep it in a file readable only by you.',
        );
      }
      this.plaintext.set(name, value);
      return;
    }
    const file = this.file(name);
    mkdirSync(this.options.dir, { recursive: true, mode: 0o700 });
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, this.options.safeStorage.encryptString(value), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, file);
    this.plaintext?.delete(name);
  }

  delete(name: SecretName): void {
    this.cache.delete(name);
    rmSync(this.file(name), { force: true });
    // A plain file left by an earlier opt-in goes too.
    rmSync(join(this.options.dir, name), { force: true });
  }

  describe(): string {
    if (this.encryptionAvailable()) return `encrypted by ${this.keychainName()} in ${this.options.dir}`;
    if (this.plaintext)
      return `a file readable only by you in ${this.options.dir} (no OS keyring; plain text by your choice)`;
    return `nowhere yet: no OS keyring to encrypt with (set ${ENV_NAMES.discordToken} or ${PLAINTEXT_OPT_IN_ENV}=1)`;
  }

  /** Mode of the stored file, for checks (null when absent). */
  fileMode(name: SecretName): number | null {
    const file = this.file(name);
    return existsSync(file) ? statSync(file).mode & 0o777 : null;
  }

  private keychainName(): string {
    if (this.platform === 'darwin') return 'the macOS Keychain';
    if (this.platform === 'win32') return 'Windows (DPAPI)';
    return 'your keyring';
  }

  private warnOnce(): void {
    if (this.warned) return;
    this.warned = true;
    this.logger.warn(
      this.plaintext
        ? `no OS keyring: secrets are kept in plain text files readable only by you (${PLAINTEXT_OPT_IN_ENV} is set)`
        : `no OS keyring: secrets will not be saved; use ${ENV_NAMES.discordToken} or ${PLAINTEXT_OPT_IN_ENV}=1`,
    );
  }

  private file(name: SecretName): string {
    return join(this.options.dir, `${name}.enc`);
  }
}
