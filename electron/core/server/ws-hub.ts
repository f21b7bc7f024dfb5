/**
 * The API over one WebSocket per browser: `call` messages in, `result` messages out, every core event pushed.
 * Malformed frames get an `error` message; nothing a client sends can throw.
 */
import type { WebSocket } from 'ws';
import { ClientMessageSchema, issuesFromZod, type ServerMessage } from '@shared/api';
import type { CoreApi } from '@core/api/dispatch';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import { APP_VERSION } from '../version';

const MAX_FRAME = 8 * 1024 * 1024;

/** Bytes queued for one client before it is considered stalled. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export class WsHub {
  private readonly clients = new Set<WebSocket>();
  private readonly detach: () => void;

  constructor(
    private readonly api: Pick<CoreApi, 'dispatch'>,
    events: EventBus,
    private readonly logger: Logger,
  ) {
    this.detach = events.onAny((event, payload) => this.broadcast({ type: 'event', event, payload }));
  }

  get size(): number {
    return this.clients.size;
  }

  add(socket: WebSocket): void {
    this.clients.add(socket);
    socket.on('close', () => this.clients.delete(socket));
    socket.on('error', (err) => this.logger.debug('ws client error', { error: err.message }));
    socket.on('message', (data, isBinary) => {
      void this.onMessage(socket, data as Buffer, isBinary);
    });
    send(socket, { type: 'hello', version: APP_VERSION });
  }

  close(): void {
    this.detach();
    for (const socket of this.clients) socket.close(1001, 'server stopping');
    this.clients.clear();
  }

  private broadcast(message: ServerMessage): void {
    const text = JSON.stringify(message);
    for (const socket of this.clients) {
      if (socket.readyState !== socket.OPEN) continue;
      // A client that stopped reading would make us buffer every event (previews included) without end: it is
      // closed instead, and reconnects and resyncs when it reads again.
      if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
        socket.close(1013, 'client too slow');
        continue;
      }
      socket.send(text);
    }
  }

  private async onMessage(socket: WebSocket, data: Buffer, isBinary: boolean): Promise<void> {
    if (isBinary || data.length > MAX_FRAME) {
      send(socket, { type: 'error', error: { code: 'bad_request', message: 'Send JSON text frames under 8 MiB.' } });
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(data.toString('utf8'));
    } catch {
      send(socket, { type: 'error', error: { code: 'bad_request', message: 'Frame is not valid JSON.' } });
      return;
    }
    const parsed = ClientMessageSchema.safeParse(json);
    if (!parsed.success) {
      const issues = issuesFromZod(parsed.error);
      send(socket, {
        type: 'error',
        error: {
          code: 'bad_request',
          message: `Malformed call: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
          issues,
        },
      });
      return;
    }
    const { id, method, input } = parsed.data;
    const result = await this.api.dispatch(method, input, { caller: 'remote' });
    send(
      socket,
      result.ok
        ? { type: 'result', id, ok: true, output: result.output }
        : { type: 'result', id, ok: false, error: result.error },
    );
  }
}

function send(socket: WebSocket, message: ServerMessage): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}
