/** Free TCP ports, asked from the OS (bind to port 0, read the port, close). */
import net from 'node:net';

export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen({ port: 0, host, exclusive: true }, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port > 0 ? resolve(port) : reject(new Error('the OS gave no port'))));
    });
  });
}

export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/**
 * The port for the next run of a launched ComfyUI: the fixed one when set; else its last port while free and not
 * held by another launched ComfyUI (`avoid`: the ports of the other GPUs' instances); else a free one the OS gives
 * that none of them holds. The caller takes it at once (no await in between), so two instances choosing at the
 * same time never get the same port.
 */
export async function choosePort(o: {
  fixed: number | undefined;
  last: number | undefined;
  host: string | undefined;
  avoid: (() => ReadonlySet<number>) | undefined;
}): Promise<number> {
  if (o.fixed !== undefined) return o.fixed;
  const host = o.host ?? '127.0.0.1';
  const held = () => o.avoid?.() ?? new Set<number>();
  if (o.last !== undefined && !held().has(o.last) && (await isPortFree(o.last, host)) && !held().has(o.last))
    return o.last;
  for (let tries = 0; tries < 20; tries++) {
    const port = await findFreePort(host);
    if (!held().has(port)) return port;
  }
  throw new Error('no free port that another launched ComfyUI does not hold');
}
