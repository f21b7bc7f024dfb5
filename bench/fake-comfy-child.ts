/**
 * The fake ComfyUI in its own process, as the real one is: benchmarks measure ComfyDesk, not the double sharing
 * its event loop. Usage (by bench scripts): spawn with `--import tsx`, argv[2] = JSON FakeComfyOptions; prints
 * `FAKE_COMFY_URL <url>`; every stdin line is a JSON FakeScript patch.
 */
import { createInterface } from 'node:readline';
import { spawn, type ChildProcess } from 'node:child_process';
import { startFakeComfy, type FakeComfyOptions, type FakeScript } from '@test/fakes/comfyui';

export interface FakeComfyChild {
  url: string;
  setScript(patch: Partial<FakeScript>): void;
  close(): Promise<void>;
}

/** Start the fake in a child process. */
export function spawnFakeComfy(options: FakeComfyOptions): Promise<FakeComfyChild> {
  // FAKE_COMFY_EXEC_ARGV (e.g. "--cpu-prof --cpu-prof-dir=/tmp/p") profiles the fake itself.
  const extra = (process.env.FAKE_COMFY_EXEC_ARGV ?? '').split(' ').filter(Boolean);
  const child: ChildProcess = spawn(
    process.execPath,
    [...extra, '--import', 'tsx', __filename, JSON.stringify(options)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /FAKE_COMFY_URL (\S+)/.exec(out);
      if (m) {
        resolve({
          url: m[1]!,
          setScript: (patch) => child.stdin!.write(`${JSON.stringify(patch)}\n`),
          close: async () => {
            if (child.exitCode !== null) return;
            const exited = new Promise((r) => child.once('exit', r));
            child.kill('SIGTERM');
            await exited;
          },
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`fake ComfyUI exited (${code}): ${out}`)));
  });
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as FakeComfyOptions;
  const fake = await startFakeComfy(options);
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim()) fake.setScript(JSON.parse(line) as Partial<FakeScript>);
  });
  process.on('SIGTERM', () => {
    void fake.close().then(() => process.exit(0));
  });
  console.log(`FAKE_COMFY_URL ${fake.url}`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
