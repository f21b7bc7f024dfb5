import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@test/helpers/repo';

const root = REPO_ROOT;

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

const ALIASES: Record<string, string> = { '@shared/': 'shared/', '@core/': 'electron/core/', '@test/': 'test/' };

/** Where an import points, repository-relative (aliases and relative paths resolved), or the package name. */
function target(file: string, spec: string): string {
  const alias = Object.keys(ALIASES).find((a) => spec.startsWith(a));
  if (alias) return ALIASES[alias]! + spec.slice(alias.length);
  if (spec.startsWith('.'))
    return relative(root, resolve(dirname(file), spec))
      .split('\\')
      .join('/');
  return spec;
}

/** Every import of the files under `dir`, as `file -> target`. */
function importEdges(dir: string): Array<{ file: string; to: string }> {
  return files(join(root, dir), ['.ts', '.tsx']).flatMap((f) =>
    importsOf(readFileSync(f, 'utf8')).map((spec) => ({ file: relative(root, f), to: target(f, spec) })),
  );
}

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

  it('the Discord bot reaches the core only through its API: no import of store, jobs, comfy, workflows or library', () => {
    const internals = /^electron\/core\/(store|jobs|comfy|workflows|library)(\/|$)/;
    const offenders = importEdges('electron/core/discord').filter((e) => internals.test(e.to));
    expect(offenders.map((e) => `${e.file} -> ${e.to}`)).toEqual([]);
  });

  it('api/ serves every client: it does not import the Discord bot', () => {
    const offenders = importEdges('electron/core/api').filter((e) => /^electron\/core\/discord(\/|$)/.test(e.to));
    expect(offenders.map((e) => `${e.file} -> ${e.to}`)).toEqual([]);
  });

  it('the lint boundary rule fails on a deliberate violation, and passes the same file without it', async () => {
    // ESLint without type information (the file does not exist on disk); the boundary rules need none.
    const eslint = new ESLint({
      cwd: root,
      overrideConfig: {
        languageOptions: { parserOptions: { projectService: false, project: null } },
        rules: {
          '@typescript-eslint/no-floating-promises': 'off',
          '@typescript-eslint/no-misused-promises': 'off',
          '@typescript-eslint/switch-exhaustiveness-check': 'off',
          '@typescript-eslint/await-thenable': 'off',
        },
      },
    });
    const filePath = join(root, 'electron/core/discord/deliberate-violation.ts');
    expect(existsSync(filePath)).toBe(false);
    const lint = async (code: string) => (await eslint.lintText(code, { filePath }))[0]!.messages.map((m) => m.ruleId);
    const bad = [
      "import type { JobsRepo } from '@core/store/jobs-repo';",
      "import { JobEngine } from '../jobs/engine';",
      "import type { WorkflowRegistry } from '@core/workflows/registry';",
      'export type X = [JobsRepo, JobEngine, WorkflowRegistry];',
    ].join('\n');
    expect(await lint(bad)).toEqual(['no-restricted-imports', 'no-restricted-imports', 'no-restricted-imports']);
    expect(await lint("import type { Job } from '@shared/jobs';\nexport type X = Job;\n")).toEqual([]);
  }, 60_000);

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
