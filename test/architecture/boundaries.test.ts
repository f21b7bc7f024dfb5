import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../..');

function files(dir: string, exts: string[]): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...files(full, exts));
    else if (exts.some((e) => name.endsWith(e))) out.push(full);
  }
  return out;
}

const importsOf = (text: string): string[] =>
  [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*|^import\s+)['"]([^'"]+)['"]/gm)].map((m) => m[1]!);

describe('architecture boundaries', () => {
  it('electron/core never imports electron (it runs under plain Node)', () => {
    const offenders = files(join(root, 'electron/core'), ['.ts']).filter((f) =>
      importsOf(readFileSync(f, 'utf8')).includes('electron'),
    );
    expect(offenders.map((f) => relative(root, f))).toEqual([]);
  });

  it('shared/ imports only zod and other shared files', () => {
    const offenders = files(join(root, 'shared'), ['.ts']).flatMap((f) =>
      importsOf(readFileSync(f, 'utf8'))
        .filter((i) => i !== 'zod' && !i.startsWith('./') && !(i.startsWith('../') && !i.startsWith('../../')))
        .map((i) => `${relative(root, f)} -> ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the renderer never reaches into the core or Electron', () => {
    const offenders = files(join(root, 'renderer/src'), ['.ts', '.tsx']).flatMap((f) =>
      importsOf(readFileSync(f, 'utf8'))
        .filter((i) => i === 'electron' || /(^|\/)electron\//.test(i))
        .map((i) => `${relative(root, f)} -> ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the preload imports nothing but electron and plain shared constants (it runs sandboxed)', () => {
    const text = readFileSync(join(root, 'electron/preload/index.ts'), 'utf8');
    expect(importsOf(text).sort()).toEqual(['@shared/ipc', 'electron']);
  });
});

describe('the project stands alone', () => {
  it('no code, test, script or doc reads a sibling folder of the checkout or an absolute path of a machine', () => {
    const dirs = ['electron', 'renderer', 'shared', 'test', 'bench', 'scripts', 'docs'];
    const exts = ['.ts', '.tsx', '.mts', '.mjs', '.js', '.md', '.json', '.py'];
    const outside = /(\.\.\/)+shared\/(fixtures|docs|seeds|hooks)|\/work\/(shared|main)\b/;
    const offenders = dirs
      .flatMap((d) => files(join(root, d), exts))
      .filter((f) => !f.includes(`${join('docs', 'reference')}`) && !f.includes('fixtures'))
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .flatMap((line, n) => (outside.test(line) ? [`${relative(root, f)}:${n + 1}: ${line.trim()}`] : [])),
      );
    expect(offenders).toEqual([]);
  });
});
