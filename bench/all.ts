/**
 * `npm run bench`: every benchmark in turn, each in its own process, whatever the one before said; then which
 * met their targets. Exits non-zero when one missed its target or failed to run.
 *
 *   npx tsx bench/all.ts [name ...]   (e.g. `npx tsx bench/all.ts queue-snapshot fair-pick`)
 */
import { spawnSync } from 'node:child_process';
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
];

const here = dirname(fileURLToPath(import.meta.url));
const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !BENCHES.includes(name));
if (unknown.length > 0) {
  console.error(`unknown benchmark: ${unknown.join(', ')} (known: ${BENCHES.join(', ')})`);
  process.exit(2);
}
const results: Array<{ name: string; ok: boolean; seconds: number }> = [];
for (const name of asked.length > 0 ? asked : BENCHES) {
  console.log(`\n=== ${name}`);
  const started = Date.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(here, `${name}.ts`)], { stdio: 'inherit' });
  results.push({ name, ok: run.status === 0, seconds: (Date.now() - started) / 1000 });
}
console.log('\n=== summary');
for (const r of results)
  console.log(`  ${r.ok ? 'met its targets' : 'MISSED A TARGET or failed'}  ${r.name} (${r.seconds.toFixed(0)} s)`);
process.exitCode = results.every((r) => r.ok) ? 0 : 1;
