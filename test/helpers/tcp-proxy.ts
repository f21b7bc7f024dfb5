/**
 * A loopback TCP proxy in front of a server whose line can be cut and restored: a ComfyUI on another machine that
 * keeps running (and keeps its queue) while it cannot be reached. `cut()` closes every connection and stops
 * listening (connections are refused); `restore()` listens again on the same port.
 */
import net from 'node:net';

export interface TcpProxy {
  readonly port: number;
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number, host = '127.0.0.1'): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  let server: net.Server | null = null;
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const srv = net.createServer((client) => {
        const upstream = net.connect(targetPort, host);
        track(client);
        track(upstream);
        client.pipe(upstream).pipe(client);
        client.on('error', () => upstream.destroy());
        upstream.on('error', () => client.destroy());
      });
      srv.once('error', reject);
      srv.listen(port, host, () => {
        server = srv;
        resolve((srv.address() as net.AddressInfo).port);
      });
    });
  const stop = async () => {
    const srv = server;
    server = null;
    for (const s of sockets) s.destroy();
    if (srv) await new Promise<void>((resolve) => srv.close(() => resolve()));
  };
  const port = await listen(0);
  return {
    port,
    url: `http://${host}:${port}`,
    cut: stop,
    restore: async () => {
      if (!server) await listen(port);
    },
    close: stop,
  };
}
