/**
 * Start-up failures a hobbyist meets, each recognised with its fix: the stand-in main.py fails the way ComfyUI
 * does (its output lines as in comfyui-api.md §5–6), in a plain checkout run by the system python, a checkout
 * with its own venv, and the portable build's layout with its embedded python.
 */
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ComfyLauncher, type LauncherOptions } from '@core/comfy/launch/supervisor';
import { LaunchError } from '@core/comfy/launch/launch-error';
import { diagnoseStartup, pipCommand } from '@core/comfy/launch/startup-failure';
import type { LogLine } from '@core/comfy/launch/log-tail';
import { makeFakeInstall, systemPython } from './supervisor-helpers';

/** `python` on Windows, `python3` elsewhere: what the launcher finds on PATH. */
const hasPython = systemPython() !== null;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function failedStart(
  plan: string,
  layout: 'plain' | 'venv' | 'portable' = 'plain',
  extra: Partial<LauncherOptions> = {},
  env: Record<string, string> = {},
) {
  const fake = await makeFakeInstall(layout);
  const launcher = new ComfyLauncher({
    comfyDir: fake.launchPath,
    outputDir: fake.outputDir,
    inputDir: fake.inputDir,
    logDir: fake.logDir,
    env: { FAKE_PLAN: plan, ...env },
    pollIntervalMs: 0,
    ...extra,
  });
  cleanups.push(async () => {
    await launcher.stop();
    await fake.cleanup();
  });
  const err = await launcher.start().then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LaunchError);
  return { fake, launcher, err: err as LaunchError };
}

describe.skipIf(!hasPython)('start-up failures with their fix (stand-in ComfyUI)', () => {
  it('a module missing: the pip command of the system python, with the advice of a venv', async () => {
    const { fake, err } = await failedStart('no-module');
    expect(err.problem).toMatchObject({ kind: 'missing-module' });
    expect(err.problem!.problem).toMatch(/cannot find the module 'yaml'.*requirements are not installed/);
    const req = path.join(fake.comfyDir, 'requirements.txt');
    expect(err.problem!.fix).toMatch(/python3?" -m pip install -r "/);
    expect(err.problem!.fix).toContain(`install -r "${req}"`);
    expect(err.problem!.fix).toMatch(/venv/);
    expect(err.message).toContain(`Fix: ${err.problem!.fix}`);
  });

  it("a module missing in a venv install: the venv's own python", async () => {
    const { fake, err } = await failedStart('no-module', 'venv', {}, { FAKE_MODULE: 'safetensors' });
    const python = path.join(fake.comfyDir, 'venv', 'bin', 'python');
    expect(err.problem!.problem).toContain("'safetensors'");
    expect(err.problem!.fix).toBe(
      `Install them into the install's venv: \`"${python}" -m pip install -r "${path.join(fake.comfyDir, 'requirements.txt')}"\`.`,
    );
  });

  it('a module missing in the portable build: its embedded python, with -s', async () => {
    const { fake, err } = await failedStart('exit-early', 'portable');
    const python = path.join(fake.dir, 'python_embeded', 'python.exe');
    expect(err.problem!.problem).toContain("'torch'");
    expect(err.problem!.fix).toContain(
      `\`"${python}" -s -m pip install -r "${path.join(fake.dir, 'ComfyUI', 'requirements.txt')}"\``,
    );
    expect(err.problem!.fix).toContain('embedded Python');
    // torch: the CUDA build is named too.
    expect(err.problem!.fix).toContain('download.pytorch.org/whl/cu128');
  });

  it('the frontend package missing: install the requirements', async () => {
    const { fake, err } = await failedStart('no-frontend', 'venv');
    expect(err.exit).toEqual({ code: 255, signal: null });
    expect(err.problem).toMatchObject({ kind: 'frontend-missing' });
    expect(err.problem!.problem).toContain('comfyui-frontend-package is not installed');
    expect(err.problem!.fix).toContain(`"${path.join(fake.comfyDir, 'venv', 'bin', 'python')}" -m pip install -r`);
  });

  it('PyTorch without CUDA: the CUDA (or ROCm) build, or --cpu offered', async () => {
    const { err } = await failedStart('no-cuda');
    expect(err.problem).toMatchObject({ kind: 'gpu', suggestedArgs: ['--cpu'] });
    expect(err.problem!.problem).toMatch(/PyTorch was built without CUDA/);
    expect(err.problem!.fix).toContain('--index-url https://download.pytorch.org/whl/cu128');
    expect(err.problem!.fix).toContain('add --cpu to the extra launch flags');
    // Already on --cpu: not offered again.
    const again = await failedStart('no-cuda', 'plain', { extraArgs: ['--cpu'] });
    expect(again.err.problem!.suggestedArgs).toBeUndefined();
    expect(again.err.problem!.fix).not.toContain('add --cpu');
  });

  it('no usable GPU: the driver, or --cpu', async () => {
    const { err } = await failedStart('no-gpu');
    expect(err.problem).toMatchObject({ kind: 'gpu', suggestedArgs: ['--cpu'] });
    expect(err.problem!.problem).toMatch(/no usable GPU/);
    expect(err.problem!.fix).toMatch(/driver.*--cpu/);
  });

  it('the port taken (a fixed port): stop the other program or choose another port', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => holder.close(() => resolve())));
    const port = (holder.address() as net.AddressInfo).port;
    const { err } = await failedStart('ready', 'plain', { port }, { FAKE_SERVE: '1' });
    expect(err.kind).toBe('exited-before-ready');
    expect(err.message).toMatch(/address already in use/);
    expect(err.problem).toMatchObject({ kind: 'port-taken' });
    expect(err.problem!.problem).toContain(`Port ${port} is already in use`);
    expect(err.problem!.fix).toMatch(new RegExp(`Stop the program using port ${port}.*COMFYDESK_COMFY_PORT`));
  });
});

describe('recognising start-up failures (the words of each platform)', () => {
  const lines = (...texts: string[]): LogLine[] => texts.map((text) => ({ stream: 'stderr', text }));
  const win = {
    python: { command: 'D:\\ComfyUI_windows_portable\\python_embeded\\python.exe', kind: 'embedded' as const },
    install: {
      comfyDir: 'D:\\ComfyUI_windows_portable\\ComfyUI',
      mainPy: 'D:\\ComfyUI_windows_portable\\ComfyUI\\main.py',
      portableRoot: 'D:\\ComfyUI_windows_portable',
    },
    port: 8188,
    fixedPort: false,
    extraArgs: [],
    platform: 'win32' as const,
  };

  it("the portable build's command on Windows", () => {
    const p = diagnoseStartup(lines("ModuleNotFoundError: No module named 'yaml'"), win);
    expect(p!.fix).toContain(
      '`"D:\\ComfyUI_windows_portable\\python_embeded\\python.exe" -s -m pip install -r "D:\\ComfyUI_windows_portable\\ComfyUI\\requirements.txt"`',
    );
    expect(pipCommand({ command: '/x/venv/bin/python', kind: 'venv' })).toBe('"/x/venv/bin/python" -m pip');
  });

  it('CUDA asked for on a Mac: no CUDA there, the standard build uses the GPU', () => {
    const mac = {
      ...win,
      python: { command: '/c/venv/bin/python', kind: 'venv' as const },
      platform: 'darwin' as const,
    };
    const p = diagnoseStartup(lines('AssertionError: Torch not compiled with CUDA enabled'), mac);
    expect(p).toMatchObject({ kind: 'gpu', suggestedArgs: ['--cpu'] });
    expect(p!.problem).toMatch(/Mac/);
    expect(p!.fix).toContain('"/c/venv/bin/python" -m pip install --upgrade torch torchvision torchaudio');
  });

  it('a GPU the build does not support, a port taken with a picked port, and nothing known', () => {
    const tooNew = diagnoseStartup(
      lines('RuntimeError: CUDA error: no kernel image is available for execution on the device'),
      win,
    );
    expect(tooNew!.problem).toMatch(/does not support this GPU/);
    const port = diagnoseStartup(
      lines(
        "OSError: [Errno 10048] error while attempting to bind on address ('127.0.0.1', 8188): only one usage of each socket address",
      ),
      win,
    );
    expect(port).toMatchObject({ kind: 'port-taken', fix: 'Start it again: ComfyDesk picks another free port.' });
    expect(diagnoseStartup(lines('Segmentation fault'), win)).toBeNull();
  });
});
