/**
 * Output nodes beyond SaveImage (video, VHS), PNG text metadata, and timing scripts on plain nodes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiGraph } from '@core/comfy/protocol/messages';
import { VHS_OBJECT_INFO, readPngText, startFakeComfy, type FakeComfy } from './index';
import { call, queue, trivialGraph } from './test-helpers';
import { WsRecorder, data } from './ws-recorder';

let fake: FakeComfy;
let ws: WsRecorder;

beforeEach(async () => {
  fake = await startFakeComfy({ extraObjectInfo: VHS_OBJECT_INFO });
  ws = await WsRecorder.connect(`${fake.wsUrl}/ws?clientId=o`);
});

afterEach(async () => {
  await ws.close();
  await fake.close();
});

function executedOutput(node: string): Record<string, unknown> {
  const f = ws.frames.find((x) => x.type === 'executed' && data(x)['node'] === node);
  return data(f!)['output'] as Record<string, unknown>;
}

describe('video outputs', () => {
  it('SaveVideo and VHS_VideoCombine write files and return their real UI shapes', async () => {
    const graph: ApiGraph = {
      '1': { class_type: 'EmptyImage', inputs: { width: 16, height: 16, batch_size: 4, color: 0 } },
      '2': { class_type: 'CreateVideo', inputs: { images: ['1', 0], fps: 8 } },
      '3': {
        class_type: 'SaveVideo',
        inputs: { video: ['2', 0], filename_prefix: 'video/clip', format: 'auto', codec: 'auto' },
      },
      '4': {
        class_type: 'VHS_VideoCombine',
        inputs: {
          images: ['1', 0],
          frame_rate: 8,
          loop_count: 0,
          filename_prefix: 'vhs',
          format: 'video/h264-mp4',
          pingpong: false,
          save_output: true,
        },
      },
    };
    const { prompt_id } = await queue(fake, graph, { client_id: 'o' });
    await ws.waitForEnd(prompt_id);
    expect(executedOutput('3')).toEqual({
      images: [{ filename: 'clip_00001_.mp4', subfolder: 'video', type: 'output' }],
      animated: [true],
    });
    const vhs = executedOutput('4')['gifs'] as Record<string, unknown>[];
    expect(vhs[0]).toMatchObject({
      filename: 'vhs_00001.mp4',
      subfolder: '',
      type: 'output',
      format: 'video/h264-mp4',
      frame_rate: 8,
    });
    const mp4 = await fetch(`${fake.url}/api/view?filename=clip_00001_.mp4&subfolder=video&type=output`);
    expect(mp4.headers.get('content-type')).toBe('video/mp4');
    expect(
      Buffer.from(await mp4.arrayBuffer())
        .subarray(4, 8)
        .toString('latin1'),
    ).toBe('ftyp');
  });
});

describe('PNG metadata', () => {
  it('writes non-Latin-1 prompts as iTXt so they read back intact', async () => {
    const graph: ApiGraph = {
      ...trivialGraph(3),
      '9': { class_type: 'CLIPTextEncode', inputs: { text: 'un chat 🐱 très mignon', clip: ['1', 0] } },
    };
    // Node 9 is not needed by the output: it does not run, but the prompt chunk holds the whole graph.
    const res = await call(fake, 'POST', '/api/prompt', { prompt: graph, client_id: 'o' });
    expect(res.status).toBe(200);
    const id = (res.json as { prompt_id: string }).prompt_id;
    await ws.waitForEnd(id);
    const png = Buffer.from(await (await fetch(`${fake.url}/api/view?filename=t_00001_.png`)).arrayBuffer());
    expect(JSON.parse(readPngText(png)['prompt']!)).toEqual(graph);
    const order = ws.frames
      .filter((f) => f.type === 'executing' && data(f)['node'] !== null)
      .map((f) => data(f)['node']);
    expect(order).toEqual(['1', '2', '3']);
  });
});

describe('plain nodes under interrupt', () => {
  it('a busy node without progress finishes; the interrupt is seen before the next node', async () => {
    fake.setScript({ hold: { node: '2' }, nodeDelayMs: { ImageInvert: 5 } });
    const { prompt_id } = await queue(fake, trivialGraph(4), { client_id: 'o' });
    await fake.waitForHeld(prompt_id);
    await call(fake, 'POST', '/api/interrupt', { prompt_id });
    await ws.waitForEnd(prompt_id);
    const interrupted = ws.frames.find((f) => f.type === 'execution_interrupted')!;
    expect(data(interrupted)).toMatchObject({ node_id: '3', node_type: 'SaveImage', executed: ['1', '2'] });
    const started = ws.frames
      .filter((f) => f.type === 'executing' && data(f)['node'] !== null)
      .map((f) => data(f)['node']);
    expect(started).toEqual(['1', '2']);
    expect(fake.history(prompt_id)?.outputs).toEqual({});
  });

  it('an interrupt that arrives while the last node is busy is lost: the prompt succeeds', async () => {
    fake.setScript({ hold: { node: '3' } });
    const { prompt_id } = await queue(fake, trivialGraph(5), { client_id: 'o' });
    await fake.waitForHeld(prompt_id);
    await call(fake, 'POST', '/api/interrupt');
    expect(await fake.waitForDone(prompt_id)).toBe('success');
    fake.setScript({ hold: false });
    // The flag is reset when the next prompt starts.
    const next = await queue(fake, trivialGraph(6), { client_id: 'o' });
    expect(await fake.waitForDone(next.prompt_id)).toBe('success');
  });
});
