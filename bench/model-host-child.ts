/**
 * The model host double in its own process, as a real download host is: the downloads bench measures ComfyDesk,
 * not the double sharing its event loop. Spawned with `--import tsx`; argv[2] = file size in bytes; prints
 * `MODEL_HOST <url> <sha256>` once the file is served.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { startModelHost } from '@test/fakes/model-host';

export interface ModelHostChild {
  url: string;
  sha256: string;
  close(): Promise<void>;
}

export function spawnModelHost(size: number): Promise<ModelHostChild> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', __filename, String(size)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /MODEL_HOST (\S+) ([0-9a-f]{64})/.exec(out);
      if (!m) return;
      resolve({
        url: m[1]!,
        sha256: m[2]!,
        close: async () => {
          if (child.exitCode !== null) return;
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
    child.once('exit', (code) => reject(new Error(`model host exited (${code}): ${out}`)));
  });
}

async function main(): Promise<void> {
  const size = Number(process.argv[2]);
  const host = await startModelHost();
  const file = host.add({ path: '/bench/model/resolve/main/big.safetensors', size });
  process.on('SIGTERM', () => {
    void host.close().then(() => process.exit(0));
  });
  console.log(`MODEL_HOST ${file.url} ${file.sha256}`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
