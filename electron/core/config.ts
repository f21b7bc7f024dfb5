/**
 * Boot-time configuration: `config.json` in the data dir, then `COMFYDESK_*` environment overrides, validated
 * with zod. Errors name the bad key and where it came from. Runtime, user-editable settings live in SQLite
 * (see shared/settings.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { LOG_LEVELS } from './log';
import { RESERVED_FLAGS, reservedIn, splitArgs } from './comfy/launch/launch-args';
import { defaultDataDir } from './paths';

const UrlSchema = z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, ''));

export const ConfigSchema = z
  .object({
    /** Where the database, logs, secrets and (by default) the library live. */
    dataDir: z.string().min(1),
    /** Where generated outputs are stored. Defaults to `<dataDir>/library`. */
    libraryDir: z.string().min(1).optional(),
    logLevel: z.enum(LOG_LEVELS as [string, ...string[]]).default('info'),
    server: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8787),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 8787 }),
    comfy: z
      .object({
        /** ComfyUI servers to use besides the ones found on 127.0.0.1:8188/8000. */
        urls: z.array(UrlSchema).default([]),
        /** A local ComfyUI folder to launch when none is running. */
        launchPath: z.string().min(1).optional(),
        autoLaunch: z.boolean().default(false),
        /** Seconds to wait for a launched ComfyUI to become ready. */
        startTimeoutSec: z.number().int().min(5).max(3600).default(180),
        /** Extra command line flags for the launched ComfyUI (before the ones set in the app's settings). */
        extraArgs: z
          .array(z.string().min(1).max(500), {
            error:
              'a list of flags, e.g. ["--lowvram"] (in COMFYDESK_COMFY_ARGS: flags separated by spaces, every quote closed)',
          })
          .max(64)
          .refine((args) => reservedIn(args).length === 0, {
            error: `ComfyDesk sets ${RESERVED_FLAGS.join(', ')} itself; leave them out`,
          })
          .default([]),
        /** A fixed port for the launched ComfyUI (default: a free one is picked). */
        launchPort: z.number().int().min(1).max(65535).optional(),
      })
      .strict()
      .default({ urls: [], autoLaunch: false, startTimeoutSec: 180, extraArgs: [] }),
  })
  .strict();

export type Config = Omit<z.infer<typeof ConfigSchema>, 'libraryDir' | 'logLevel'> & {
  libraryDir: string;
  logLevel: (typeof LOG_LEVELS)[number];
};

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Environment variables that override config keys, and how to read each. */
const ENV_KEYS: Record<string, { path: string[]; parse: (v: string) => unknown }> = {
  COMFYDESK_DATA_DIR: { path: ['dataDir'], parse: (v) => v },
  COMFYDESK_LIBRARY_DIR: { path: ['libraryDir'], parse: (v) => v },
  COMFYDESK_LOG_LEVEL: { path: ['logLevel'], parse: (v) => v },
  COMFYDESK_HOST: { path: ['server', 'host'], parse: (v) => v },
  COMFYDESK_PORT: { path: ['server', 'port'], parse: (v) => (/^\d+$/.test(v) ? Number(v) : v) },
  COMFYDESK_COMFY_URLS: {
    path: ['comfy', 'urls'],
    parse: (v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
  },
  COMFYDESK_COMFY_PATH: { path: ['comfy', 'launchPath'], parse: (v) => v },
  COMFYDESK_COMFY_AUTOLAUNCH: { path: ['comfy', 'autoLaunch'], parse: (v) => parseBool(v) },
  COMFYDESK_COMFY_ARGS: {
    path: ['comfy', 'extraArgs'],
    parse: (v) => {
      try {
        return splitArgs(v);
      } catch {
        return v; // reported by the schema, naming the variable
      }
    },
  },
  COMFYDESK_COMFY_PORT: { path: ['comfy', 'launchPort'], parse: (v) => (/^\d+$/.test(v) ? Number(v) : v) },
  COMFYDESK_COMFY_START_TIMEOUT: {
    path: ['comfy', 'startTimeoutSec'],
    parse: (v) => (/^\d+$/.test(v) ? Number(v) : v),
  },
};

function parseBool(v: string): unknown {
  const s = v.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(s)) return true;
  if (['0', 'false', 'no', 'off'].includes(s)) return false;
  return v;
}

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  /** The data dir chosen by the shell (Electron's userData) or a CLI flag; env and file may not move it. */
  dataDir?: string;
  /** Overrides from the command line (highest precedence). */
  overrides?: { server?: { host?: string; port?: number } };
  platform?: NodeJS.Platform;
}

export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const dataDir = resolve(options.dataDir ?? env.COMFYDESK_DATA_DIR ?? defaultDataDir(options.platform, env));
  const file = join(dataDir, 'config.json');

  let raw: Record<string, unknown> = {};
  if (existsSync(file)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`Cannot read ${file}: ${(err as Error).message}`);
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new ConfigError(`${file} must hold a JSON object`);
      }
      raw = parsed as Record<string, unknown>;
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      throw new ConfigError(`${file} is not valid JSON: ${(err as Error).message}`);
    }
  }

  const sources = new Map<string, string>();
  for (const key of Object.keys(raw)) sources.set(key, file);
  raw.dataDir = dataDir;

  for (const [name, spec] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value === undefined || value === '' || name === 'COMFYDESK_DATA_DIR') continue;
    setPath(raw, spec.path, spec.parse(value));
    sources.set(spec.path.join('.'), `environment variable ${name}`);
  }
  if (options.overrides?.server) {
    for (const [k, v] of Object.entries(options.overrides.server)) {
      if (v === undefined) continue;
      setPath(raw, ['server', k], v);
      sources.set(`server.${k}`, 'command line');
    }
  }

  const result = ConfigSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const key = issue.path.map(String).join('.') || '(root)';
      const from = sources.get(key) ?? sources.get(String(issue.path[0])) ?? file;
      return `  ${key}: ${issue.message} (from ${from})`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const cfg = result.data;
  const libraryDir = cfg.libraryDir
    ? isAbsolute(cfg.libraryDir)
      ? cfg.libraryDir
      : resolve(dataDir, cfg.libraryDir)
    : join(dataDir, 'library');
  return { ...cfg, libraryDir, logLevel: cfg.logLevel as Config['logLevel'] };
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const part of path.slice(0, -1)) {
    const next = node[part];
    if (!next || typeof next !== 'object' || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}
