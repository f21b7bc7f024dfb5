/** GPU detection (nvidia-smi, scripted), the instance names, and the launcher's status over several GPUs. */
import { describe, expect, it } from 'vitest';
import { detectGpus, gpuLabel, parseNvidiaSmi, type CommandRunner } from '@core/comfy/launch/gpus';
import { STOPPED_LAUNCH, summarizeInstances, type InstanceStatus } from '@core/comfy/launch/launch-status';
import { instanceSettings } from '@core/comfy/backends/launch-set';

const answer =
  (result: { code: number | null; stdout?: string; stderr?: string } | Error): CommandRunner =>
  () =>
    result instanceof Error ? Promise.reject(result) : Promise.resolve({ stdout: '', stderr: '', ...result });

describe('detecting GPUs', () => {
  it('reads nvidia-smi’s csv lines (names with commas, no memory, junk lines left out), by index', () => {
    expect(
      parseNvidiaSmi('1, NVIDIA GeForce RTX 3060, 12288\r\n0, Tesla T4, Rev. 2, 15360\nnot a gpu\n2, Quadro, [N/A]\n'),
    ).toEqual([
      { index: 0, name: 'Tesla T4, Rev. 2', memoryMb: 15360 },
      { index: 1, name: 'NVIDIA GeForce RTX 3060', memoryMb: 12288 },
      { index: 2, name: 'Quadro', memoryMb: null },
    ]);
  });

  it('says why none are listed: not installed, failed, timed out, or none there', async () => {
    const enoent = Object.assign(new Error('spawn nvidia-smi ENOENT'), { code: 'ENOENT' });
    expect(await detectGpus(answer(enoent))).toEqual({
      gpus: [],
      note: 'No NVIDIA GPU found: nvidia-smi is not installed or not on the PATH.',
    });
    expect(
      await detectGpus(
        answer({ code: 9, stdout: 'NVIDIA-SMI has failed because it couldn’t communicate with the driver.\nMore' }),
      ),
    ).toEqual({
      gpus: [],
      note: 'nvidia-smi failed (exit code 9): NVIDIA-SMI has failed because it couldn’t communicate with the driver.',
    });
    expect((await detectGpus(answer({ code: null }))).note).toBe('nvidia-smi did not answer in time');
    expect(await detectGpus(answer({ code: 0, stdout: '\n' }))).toEqual({ gpus: [], note: 'nvidia-smi lists no GPU.' });
  });

  it('names a GPU’s ComfyUI by its number and short model name', () => {
    expect(gpuLabel(1, { index: 1, name: 'NVIDIA GeForce RTX 3060', memoryMb: 12288 })).toBe('GPU 1 · RTX 3060');
    expect(gpuLabel(0, { index: 0, name: 'NVIDIA A100-SXM4-40GB', memoryMb: null })).toBe('GPU 0 · A100-SXM4-40GB');
    expect(gpuLabel(3)).toBe('GPU 3');
  });
});

describe('settings and status of several GPUs', () => {
  const common = { launchPath: '/c', autoLaunch: true, extraArgs: ['--cuda-device', '3', '--lowvram'], port: 8190 };

  it('gives each GPU --cuda-device last (it wins over the config’s) and, with a fixed port, that port + its number', () => {
    expect(instanceSettings(common, null)).toBe(common);
    expect(instanceSettings(common, 2)).toEqual({
      ...common,
      extraArgs: ['--cuda-device', '3', '--lowvram', '--cuda-device', '2'],
      port: 8192,
    });
    expect(instanceSettings({ ...common, port: null }, 1).port).toBeNull();
  });

  const instance = (over: Partial<InstanceStatus>): InstanceStatus => ({
    ...STOPPED_LAUNCH,
    state: 'running',
    backendId: null,
    device: null,
    name: 'ComfyUI',
    port: null,
    restarts: 0,
    ...over,
  });

  it('one instance is the launcher’s status as it was; several: the telling state and each crash named', () => {
    const only = instance({ url: 'http://127.0.0.1:5000', pid: 10, backendId: 'b' });
    const { device: _d, name: _n, port: _p, restarts: _r, ...run } = only;
    expect(summarizeInstances([only])).toEqual({ ...run, instances: [only] });

    const gpu0 = instance({ device: 0, name: 'GPU 0', url: 'http://127.0.0.1:5000', pid: 10, backendId: 'b0' });
    const gpu1 = instance({
      device: 1,
      name: 'GPU 1 · RTX 3060',
      state: 'crashed',
      error: 'ComfyUI exited unexpectedly (exit code 3). Gave up after 3 restarts.',
      exit: { code: 3, signal: null },
      gaveUp: true,
      backendId: 'b1',
    });
    expect(summarizeInstances([gpu0, gpu1])).toMatchObject({
      state: 'running',
      url: 'http://127.0.0.1:5000',
      pid: 10,
      error: 'GPU 1 · RTX 3060: ComfyUI exited unexpectedly (exit code 3). Gave up after 3 restarts.',
      exit: { code: 3, signal: null },
      gaveUp: true,
      backendId: 'b0',
    });
    expect(summarizeInstances([gpu0, instance({ device: 1, state: 'starting' })]).state).toBe('starting');
    expect(summarizeInstances([instance({ state: 'stopped' }), instance({ state: 'crashed' })]).state).toBe('crashed');
  });
});
