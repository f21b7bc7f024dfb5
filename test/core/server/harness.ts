/**
 * Robustness test helpers: a headless core + server on a temp dir, a raw WebSocket client that sends arbitrary
 * frames and waits on answers by event, a logger that keeps every line, and a watch on the process for
 * uncaught exceptions and unhandled rejections.
 */
import { once } from 'node:events';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { Core } from '@core/app';
import { redact, type Logger, type LogMeta } from '@core/log';
import { startServer, type RunningServer } from '@core/server/server';
import { loadOrCreateToken } from '@core/server/token';
import { testCore } from '@test/helpers/core';

/** Every uncaught exception and unhandled rejection while it is attached. */
export function watchProcess(): { crashes: string[]; detach: () => void } {
  const crashes: string[] = [];
  const onError = (err: unknown) => crashes.push(`uncaughtException: ${String((err as Error)?.stack ?? err)}`);
  const onRejection = (err: unknown) => crashes.push(`unhandledRejection: ${String((err as Error)?.stack ?? err)}`);
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onRejection);
  return {
    crashes,
    detach: () => {
      process.off('uncaughtException', onError);
      process.off('unhandledRejection', onRejection);
    },
  };
}

/** A logger that keeps every line as the file logger would write it (message and meta, redacted). */
export function captureLogger(scope = 'core'): Logger & { lines: string[] } {
  const lines: string[] = [];
  const make = (s: string): Logger => {
    const write = (level: string) => (msg: string, meta?: LogMeta) => {
      lines.push(redact(`${level} [${s}] ${msg}${meta ? ` ${stringifyMeta(meta)}` : ''}`));
    };
    return {
      debug: write('debug'),
      info: write('info'),
      warn: write('warn'),
      error: write('error'),
      child: (c) => make(`${s}:${c}`),
    };
  };
  return Object.assign(make(scope), { lines });
}

/** Errors keep their message, stack and own fields (a discord.js error carries its request there). */
function stringifyMeta(meta: LogMeta): string {
  return JSON.stringify(meta, (_k, v: unknown) => {
    if (v instanceof Error)
      return { ...(v as unknown as Record<string, unknown>), name: v.name, message: v.message, stack: v.stack };
    if (typeof v === 'bigint') return v.toString();
    return v;
  });
}

export interface Served {
  core: Core;
  server: RunningServer;
  token: string;
  wsUrl: string;
  close(): Promise<void>;
}

export async function serveCore(dataDir: string, logger?: Logger): Promise<Served> {
  const core = testCore({ dataDir, ...(logger ? { logger } : {}) });
  await core.start();
  const { token } = loadOrCreateToken(join(dataDir, 'server-token'));
  const server = await startServer({
    api: core.api,
    events: core.events,
    logger: logger ?? core.logger,
    token,
    host: '127.0.0.1',
    port: 0,
    rendererDir: null,
  });
  return {
    core,
    server,
    token,
    wsUrl: `${server.url.replace('http', 'ws')}/api/ws?token=${token}`,
    async close() {
      await server.close();
      await core.stop();
    },
  };
}

export interface Answer {
  type: string;
  id?: number;
  ok?: boolean;
  output?: unknown;
  error?: { code: string; message: string; issues?: unknown[] };
}

/** A raw API socket: send any frame, wait for the result of an id or for the next `error` frame. */
export class RawClient {
  readonly socket: WebSocket;
  private readonly results = new Map<number, Answer[]>();
  private readonly resultWaiters = new Map<number, ((a: Answer) => void)[]>();
  private readonly errors: Answer[] = [];
  private readonly errorWaiters: ((a: Answer) => void)[] = [];
  private nextId = 1;
  closed: { code: number; reason: string } | null = null;
  private readonly closeWaiters: (() => void)[] = [];

  private constructor(url: string, options?: WebSocket.ClientOptions) {
    this.socket = new WebSocket(url, options);
    this.socket.on('message', (data) => {
      const m = JSON.parse(String(data)) as Answer;
      if (m.type === 'result' && typeof m.id === 'number') {
        const w = this.resultWaiters.get(m.id)?.shift();
        if (w) w(m);
        else this.results.set(m.id, [...(this.results.get(m.id) ?? []), m]);
      } else if (m.type === 'error') {
        const w = this.errorWaiters.shift();
        if (w) w(m);
        else this.errors.push(m);
      }
    });
    this.socket.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      for (const w of this.closeWaiters.splice(0)) w();
    });
    this.socket.on('error', () => {});
  }

  static async open(url: string, options?: WebSocket.ClientOptions): Promise<RawClient> {
    const c = new RawClient(url, options);
    await once(c.socket, 'open');
    return c;
  }

  id(): number {
    return this.nextId++;
  }

  sendText(text: string): void {
    this.socket.send(text);
  }

  /** A call frame with the input given as JSON text (so keys like __proto__ arrive as own keys); undefined = no input. */
  callRaw(method: string, inputJson: string | undefined, id = this.id()): Promise<Answer> {
    const input = inputJson === undefined ? '' : `,"input":${inputJson}`;
    const answer = this.result(id);
    this.socket.send(`{"type":"call","id":${id},"method":${JSON.stringify(method)}${input}}`);
    return answer;
  }

  call(method: string, input?: unknown): Promise<Answer> {
    return this.callRaw(method, input === undefined ? undefined : JSON.stringify(input));
  }

  result(id: number): Promise<Answer> {
    const queued = this.results.get(id);
    if (queued?.length) return Promise.resolve(queued.shift()!);
    return new Promise((resolve) => this.resultWaiters.set(id, [...(this.resultWaiters.get(id) ?? []), resolve]));
  }

  nextError(): Promise<Answer> {
    if (this.errors.length) return Promise.resolve(this.errors.shift()!);
    return new Promise((resolve) => this.errorWaiters.push(resolve));
  }

  whenClosed(): Promise<{ code: number; reason: string }> {
    if (this.closed) return Promise.resolve(this.closed);
    return new Promise((resolve) => this.closeWaiters.push(() => resolve(this.closed!)));
  }

  close(): void {
    this.socket.close();
  }
}
