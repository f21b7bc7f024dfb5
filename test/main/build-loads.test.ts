/**
 * The built main entry (npm run build → out/main/index.js) loads under plain Node up to its first use of Electron:
 * every module it pulls in (the core chunk with SQLite, zod, the shell modules) resolves and initialises without
 * Electron, and only the main entry itself touches `electron`. Skipped when out/ has not been built.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const out = join(__dirname, '../../out/main');
const entry = join(out, 'index.js');
const built = existsSync(entry);

/** Runs the entry with `electron` replaced by an object whose every property access throws a marker. */
const probe = `
const Module = require('node:module');
const load = Module._load;
const touched = [];
Module._load = function (request, ...rest) {
  if (request === 'electron') {
    return new Proxy({}, { get(_t, key) { touched.push(String(key)); const e = new Error('ELECTRON_CALL'); e.key = String(key); throw e; } });
  }
  return load.call(this, request, ...rest);
};
let outcome;
try {
  require(${JSON.stringify(entry)});
  outcome = { ok: true };
} catch (err) {
  outcome = { ok: false, message: err.message, key: err.key };
}
const loaded = Object.keys(require.cache).filter((f) => f.startsWith(${JSON.stringify(out)}));
process.stdout.write(JSON.stringify({ outcome, touched, loaded, sqlite: Object.keys(require.cache).some((f) => f.includes('better-sqlite3')) }));
`;

describe.skipIf(!built)('build output (out/main)', () => {
  it('index.js loads under Node until its first Electron call', () => {
    const run = spawnSync(process.execPath, ['-e', probe], {
      encoding: 'utf8',
      env: { ...process.env, COMFYDESK_USER_DATA_DIR: '' },
    });
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as {
      outcome: { ok: boolean; message?: string; key?: string };
      touched: string[];
      loaded: string[];
      sqlite: boolean;
    };
    // The first thing the entry does with Electron is register the media scheme (before app 'ready').
    expect(result.outcome).toEqual({ ok: false, message: 'ELECTRON_CALL', key: 'protocol' });
    expect(result.touched).toEqual(['protocol']);
    // Everything else it imports was loaded: the core chunk (with better-sqlite3) came in under plain Node.
    expect(result.loaded.some((f) => f.includes(`${join(out, 'chunks')}`))).toBe(true);
    expect(result.sqlite).toBe(true);
  });

  it('only the main entry requires electron; the chunks shared with headless never do', () => {
    const files = [join(out, 'headless.js'), ...readdirSync(join(out, 'chunks')).map((f) => join(out, 'chunks', f))];
    const offenders = files.filter((f) => /require\(["']electron["']\)/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
