/**
 * Set-up for the tests of ComfyUI launched on several GPUs: nvidia-smi's answer scripted, and a fake ComfyUI
 * started on each port the launcher gives a GPU's ComfyUI (read from the line that marks where each run begins),
 * so each stand-in main.py has its API behind it and its backend really connects.
 */
import type { Core } from '@core/app';
import type { CommandRunner } from '@core/comfy/launch/gpus';
import type { LauncherOptions } from '@core/comfy/launch/supervisor';
import type { FakeComfy } from '@test/fakes/comfyui';

/** nvidia-smi on a computer with these GPUs (`index, name, memory MiB` lines); records each call. */
export function scriptedGpus(stdout: string, calls: string[][] = []): CommandRunner {
  return (command, args) => {
    calls.push([command, ...args]);
    return Promise.resolve({ code: 0, stdout, stderr: '' });
  };
}

export const TWO_GPUS = '0, NVIDIA GeForce RTX 4090, 24564\n1, NVIDIA GeForce RTX 3060, 12288\n';

/** Launcher options for the stand-in: ready by its log line, quick restarts; the port is the launcher's choice. */
export const LAUNCHER: Partial<LauncherOptions> = {
  pollIntervalMs: 0,
  env: { FAKE_PLAN: 'ready' },
  restart: { baseDelayMs: 1, maxAttempts: 3 },
  stopGraceMs: 5000,
};
export const BACKEND = { socket: { backoffBaseMs: 20, backoffMaxMs: 100, backoffMinMs: 5 } };

const RUN_MARK = /── ComfyDesk: run \d+: started ComfyUI \(pid \d+, port (\d+)\)/;

/** A fake ComfyUI (from `start`) on the port of every run the core launches; by port. */
export function fakesOnLaunchPorts(
  core: Core,
  start: (port: number) => Promise<FakeComfy>,
): Map<number, Promise<FakeComfy>> {
  const fakes = new Map<number, Promise<FakeComfy>>();
  core.events.on('comfy.log', (line) => {
    const port = Number(RUN_MARK.exec(line.text)?.[1]);
    if (port && !fakes.has(port)) fakes.set(port, start(port));
  });
  return fakes;
}

/** The argv of the stand-in run that listens on `port`. */
export function argvOn(runs: ReadonlyArray<{ argv: string[] }>, port: number | null): string[] | undefined {
  return runs.find((r) => r.argv[r.argv.indexOf('--port') + 1] === String(port))?.argv;
}
