/**
 * The logger behind `Logger`: one line per entry (time, level, scope, message, JSON meta) to the console and
 * to `<dataDir>/logs/comfydesk.log`, rotated by size (comfydesk.1.log … comfydesk.N.log). Every line is
 * redacted before it is written anywhere.
 */
import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LOG_LEVELS, redact, type Logger, type LogLevel, type LogMeta } from './log';

export interface FileLoggerOptions {
  dir: string;
  level?: LogLevel;
  /** Rotate when the file passes this size. */
  maxBytes?: number;
  /** Rotated files kept besides the current one. */
  keep?: number;
  console?: boolean;
  now?: () => number;
}

export function formatLine(at: number, level: LogLevel, scope: string, msg: string, meta?: LogMeta): string {
  let metaText = '';
  if (meta && Object.keys(meta).length > 0) {
    try {
      metaText =
        ' ' +
        JSON.stringify(meta, (_k, v: unknown) =>
          v instanceof Error ? { name: v.name, message: v.message, stack: v.stack } : v,
        );
    } catch {
      metaText = ' [unserialisable meta]';
    }
  }
  return redact(`${new Date(at).toISOString()} ${level.toUpperCase().padEnd(5)} [${scope}] ${msg}${metaText}`);
}

export function createFileLogger(options: FileLoggerOptions): Logger {
  const file = join(options.dir, 'comfydesk.log');
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const keep = options.keep ?? 5;
  const min = LOG_LEVELS.indexOf(options.level ?? 'info');
  const now = options.now ?? Date.now;
  mkdirSync(options.dir, { recursive: true });
  let size = existsSync(file) ? statSync(file).size : 0;

  const rotate = () => {
    rmSync(join(options.dir, `comfydesk.${keep}.log`), { force: true });
    for (let i = keep - 1; i >= 1; i--) {
      const from = join(options.dir, `comfydesk.${i}.log`);
      if (existsSync(from)) renameSync(from, join(options.dir, `comfydesk.${i + 1}.log`));
    }
    if (existsSync(file)) renameSync(file, join(options.dir, 'comfydesk.1.log'));
    size = 0;
  };

  const write = (level: LogLevel, scope: string, msg: string, meta?: LogMeta) => {
    if (LOG_LEVELS.indexOf(level) < min) return;
    const line = formatLine(now(), level, scope, msg, meta) + '\n';
    if (options.console !== false) {
      (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(line);
    }
    try {
      if (size + line.length > maxBytes && size > 0) rotate();
      appendFileSync(file, line);
      size += Buffer.byteLength(line);
    } catch {
      // A full or read-only disk must not take the app down; the console still has the line.
    }
  };

  const make = (scope: string): Logger => ({
    debug: (m, meta) => write('debug', scope, m, meta),
    info: (m, meta) => write('info', scope, m, meta),
    warn: (m, meta) => write('warn', scope, m, meta),
    error: (m, meta) => write('error', scope, m, meta),
    child: (sub) => make(`${scope}:${sub}`),
  });
  return make('core');
}
