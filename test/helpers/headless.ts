/**
 * The real headless server (`npm run serve`) in a child process on a data dir, with an API client over its
 * WebSocket: the core that the crash tests SIGKILL (no cleanup runs, as after an out-of-memory kill or a power cut
 * of the app alone) before a second core starts on the same data dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { ApiClient } from '@shared/api-client';
import { WsTransport, type WebSocketLike } from '@shared/api-ws-transport';
import { repoPath } from '@test/helpers/repo';

export interface Headless {
  child: ChildProcess;
  api: ApiClient;
  transport: WsTransport;
}

/** `npm run serve` on `dataDir` in a child process with `env`, and an API client; killed after the test. */
export async function runHeadless(
  dataDir: string,
  env: Record<string, string>,
  defer: (fn: () => unknown) => void,
): Promise<Headless> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', repoPath('electron/headless.ts'), '--port', '0', '--data-dir', dataDir],
    {
      env: { ...process.env, COMFYDESK_LOG_LEVEL: 'warn', COMFYDESK_DISCORD_TOKEN: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  defer(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let out = '';
  const base = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const listen = /listening on (http:\/\/[\d.:]+)/.exec(out);
      if (listen) resolve(listen[1]!);
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`headless exited ${code}: ${out}`)));
  });
  const token = readFileSync(join(dataDir, 'server-token'), 'utf8').trim();
  const transport = new WsTransport({
    url: `${base.replace('http', 'ws')}/api/ws?token=${token}`,
    createSocket: (u) => new WebSocket(u) as unknown as WebSocketLike,
  });
  defer(() => transport.close());
  return { child, api: new ApiClient(transport), transport };
}

/** Kill the headless core at once (SIGKILL) and wait until it is gone. */
export async function sigkill(h: Headless): Promise<void> {
  const exited = once(h.child, 'exit');
  h.child.kill('SIGKILL');
  await exited;
}
