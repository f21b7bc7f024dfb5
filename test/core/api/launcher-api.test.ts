/**
 * The launch methods' inputs at the API's edge: which instance a call is for (`device`), the GPUs to run on and
 * the flags that go with them, and the GPUs nvidia-smi lists (scripted). No ComfyUI is started here.
 */
import { describe, expect } from 'vitest';
import type { MethodName } from '@shared/api';
import type { Core } from '@core/app';
import { it } from '@test/core/comfy/launch/launch-fixtures';
import { scriptedGpus, TWO_GPUS } from '@test/core/comfy/launch/gpu-kit';

async function refusal(core: Core, method: MethodName, input: unknown) {
  const res = await core.api.dispatch(method, input, { caller: 'test' });
  expect(res.ok).toBe(false);
  return res.ok ? null : res.error;
}

describe('launching on GPUs through the API', () => {
  it('lists the GPUs nvidia-smi reports, and refuses GPUs it does not list and --cuda-device in the flags', async ({
    install,
    makeCore,
  }) => {
    const calls: string[][] = [];
    const core = makeCore({ comfy: { gpuRunner: scriptedGpus(TWO_GPUS, calls) } });
    await core.start();
    expect(await core.api.call('comfy.gpus', {})).toEqual({
      gpus: [
        { index: 0, name: 'NVIDIA GeForce RTX 4090', memoryMb: 24564 },
        { index: 1, name: 'NVIDIA GeForce RTX 3060', memoryMb: 12288 },
      ],
      note: null,
    });
    expect(calls[0]).toEqual(['nvidia-smi', '--query-gpu=index,name,memory.total', '--format=csv,noheader,nounits']);

    expect(await refusal(core, 'comfy.setLaunchSettings', { cudaDevices: [0, 7] })).toMatchObject({
      code: 'bad_request',
      message: 'This computer has no GPU 7: nvidia-smi lists GPUs 0, 1',
    });
    expect(
      await refusal(core, 'comfy.setLaunchSettings', { cudaDevices: [1], extraArgs: ['--cuda-device', '1'] }),
    ).toMatchObject({
      code: 'bad_request',
      message: expect.stringMatching(/hold --cuda-device while GPUs are chosen/),
    });
    expect(core.store.settings.get().comfy.cudaDevices).toEqual([]);

    // Repeated and unordered GPUs are kept once each, in order; the view names each instance.
    const view = await core.api.call('comfy.setLaunchSettings', {
      launchPath: install.comfyDir,
      cudaDevices: [1, 0, 1],
    });
    expect(view.saved.cudaDevices).toEqual([0, 1]);
    expect(view.launcher.instances.map((i) => [i.device, i.name, i.state])).toEqual([
      [0, 'GPU 0 · RTX 4090', 'stopped'],
      [1, 'GPU 1 · RTX 3060', 'stopped'],
    ]);
  });

  it('takes an optional device on start, stop, restart and the log; a bad one is a clear error', async ({
    makeCore,
  }) => {
    const core = makeCore({ comfy: { gpuRunner: scriptedGpus('') } });
    await core.start();
    // One ComfyUI (no GPUs chosen): the old calls work; a device is refused.
    expect((await core.api.call('comfy.stop', {})).instances).toHaveLength(1);
    expect(await core.api.call('comfy.logTail', undefined)).toEqual({ lines: [] });
    expect(await refusal(core, 'comfy.stop', { device: 0 })).toMatchObject({
      code: 'not_found',
      message: expect.stringMatching(/runs as one instance here .* leave out the device/),
    });

    // Nothing listed by nvidia-smi: any GPU number may be typed.
    expect(await core.api.call('comfy.gpus', {})).toEqual({ gpus: [], note: 'nvidia-smi lists no GPU.' });
    await core.api.call('comfy.setLaunchSettings', { cudaDevices: [0, 2] });
    expect((await core.api.call('comfy.stop', { device: 2 })).instances.map((i) => i.name)).toEqual(['GPU 0', 'GPU 2']);
    expect(await core.api.call('comfy.logTail', { device: 0 })).toEqual({ lines: [] });
    expect(await refusal(core, 'comfy.restart', { device: 1 })).toMatchObject({
      code: 'not_found',
      message: 'ComfyUI is not set to run on GPU 1: the GPUs chosen in Settings → ComfyUI are 0 and 2.',
    });
    expect(await refusal(core, 'comfy.start', { device: -1 })).toMatchObject({
      code: 'bad_request',
      message: expect.stringMatching(/device: GPU numbers start at 0/),
    });
    expect(await refusal(core, 'comfy.start', { device: 'one' })).toMatchObject({
      message: expect.stringMatching(/device: a GPU number \(0, 1, …\) is expected/),
    });
    expect(await refusal(core, 'comfy.logTail', { device: 1.5 })).toMatchObject({
      message: expect.stringMatching(/device: a whole GPU number/),
    });
    expect(await refusal(core, 'comfy.start', { gpu: 1 })).toMatchObject({ code: 'bad_request' });
    // Without a folder to launch, starting them all says what to do, naming each GPU.
    const none = await refusal(core, 'comfy.start', {});
    expect(none?.message).toMatch(/^GPU 0: No ComfyUI folder is set to launch[\s\S]*\nGPU 2: No ComfyUI folder/);
  });
});
