/**
 * `npm run bench`: every benchmark in turn, each in its own process, whatever the one before said; then a summary:
 * the lines where a benchmark says it missed its target (FAIL, BELOW TARGET), and any that did not run to the
 * end. Exits non-zero when one missed a target or failed.
 *
 *   npx tsx bench/all.ts [name ...]   (e.g. `npx tsx bench/all.ts queue-snapshot fair-pick`)
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCHES = [
  'comfy-overhead',
  'jobs',
  'queue-snapshot',
  'fair-pick',
  'library',
  'discord-burst',
  'gallery-ui',
  'downloads',
  'retention',
  'multi-gpu',
];

const here = dirname(fileURLToPath(import.meta.url));
const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !BENCHES.includes(name));
if (unknown.length > 0) {
  console.error(`unknown benchmark: ${unknown.join(', ')} (known: ${BENCHES.join(', ')})`);
  process.exit(2);
}
/** The lines where a benchmark says it missed a target. */
const MISSED = /\b(FAIL|BELOW TARGET)\b/;

function run(name: string): Promise<{ code: number | null; missed: string[] }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, `${name}.ts`)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      text += chunk.toString('utf8');
    });
    child.on('close', (code) =>
      resolve({
        code,
        missed: text
          .split('\n')
          .filter((line) => MISSED.test(line))
          .map((l) => l.trim()),
      }),
    );
  });
}

async function main(): Promise<void> {
  const results: Array<{ name: string; code: number | null; missed: string[]; seconds: number }> = [];
  for (const name of asked.length > 0 ? asked : BENCHES) {
    console.log(`\n=== ${name}`);
    const started = Date.now();
    results.push({ name, ...(await run(name)), seconds: (Date.now() - started) / 1000 });
  }
  console.log('\n=== summary');
  for (const r of results) {
    const verdict = r.code !== 0 ? `did not finish (exit ${r.code})` : r.missed.length ? 'missed a target' : 'ok';
    console.log(`  ${r.name} (${r.seconds.toFixed(0)} s): ${verdict}`);
    for (const line of r.missed) console.log(`      ${line}`);
  }
  process.exitCode = results.every((r) => r.code === 0 && r.missed.length === 0) ? 0 : 1;
}

void main();
