import { describe, expect, it } from 'vitest';
import type { JobProgressView } from '@shared/api/jobs';
import { nullLogger } from '@core/log';
import { ProgressMessenger, type EditPayload, type ProgressSink, type ProgressTarget } from '@core/discord/progress';
import { FakeClock } from '@test/helpers/fake-clock';

interface Sent {
  at: number;
  via: 'interaction' | 'channel';
  percent: number | null;
  preview: string | null;
  imageUrl: string | null;
  final: boolean;
}

/** A sink that records and lets the test decide when each edit finishes. */
class RecordingSink implements ProgressSink {
  sent: Sent[] = [];
  fail: Array<{ code: number }> = [];
  constructor(private readonly clock: FakeClock) {}
  async edit(_t: ProgressTarget, via: 'interaction' | 'channel', payload: EditPayload) {
    const failure = this.fail.shift();
    if (failure) throw Object.assign(new Error('discord error'), failure);
    const title = String(payload.embeds[0]?.title ?? '');
    this.sent.push({
      at: this.clock.now(),
      via,
      percent: title.startsWith('p=') ? Number(title.slice(2)) : null,
      preview: payload.preview?.name ?? null,
      imageUrl: (payload.embeds[0]?.image?.url as string | undefined) ?? null,
      final: title === 'final',
    });
    return { imageUrl: payload.preview ? `https://cdn.example/${payload.preview.name}?seq=${this.sent.length}` : null };
  }
}

const jpeg = `data:image/jpeg;base64,${Buffer.from([0xff, 0xd8, 0xff, 0xe0]).toString('base64')}`;

function view(percent: number, previewSeq = 0): JobProgressView {
  return {
    jobId: 'j1',
    status: 'running',
    phase: 'sampling',
    percent,
    position: null,
    wait: null,
    notice: null,
    step: null,
    etaMs: null,
    preview: previewSeq ? jpeg : null,
    previewSeq,
    updatedAt: 0,
  };
}

function setup(start = 0) {
  const clock = new FakeClock(start);
  const sink = new RecordingSink(clock);
  const messenger = new ProgressMessenger({
    clock,
    sink,
    logger: nullLogger,
    render: (_id, v, previewUrl) => ({
      embeds: [{ title: `p=${v?.percent ?? 0}`, ...(previewUrl ? { image: { url: previewUrl } } : {}) }],
      components: [],
    }),
  });
  const target: ProgressTarget = {
    applicationId: 'app',
    interactionToken: 'tok',
    interactionAt: clock.now(),
    channelId: 'c1',
    messageId: 'm1',
  };
  return { clock, sink, messenger, target };
}

const settle = () => new Promise<void>((r) => setImmediate(r));

describe('progress messages', () => {
  it('edits at most once per 1.5 s and sends only the latest state (coalescing)', async () => {
    const { clock, sink, messenger, target } = setup();
    messenger.attach('j1', target);
    for (let p = 1; p <= 10; p++) messenger.update(view(p));
    await settle();
    expect(sink.sent).toHaveLength(0); // the message was just sent: first edit after 1.5 s
    clock.advance(1499);
    await settle();
    expect(sink.sent).toHaveLength(0);
    clock.advance(1);
    await settle();
    expect(sink.sent.map((s) => s.percent)).toEqual([10]);
    for (let p = 11; p <= 40; p++) {
      messenger.update(view(p));
      clock.advance(100);
      await settle();
    }
    const gaps = sink.sent.slice(1).map((s, n) => s.at - sink.sent[n]!.at);
    expect(gaps.every((g) => g >= 1500)).toBe(true);
    expect(sink.sent.length).toBe(3);
    clock.advance(1500);
    await settle();
    expect(sink.sent.at(-1)!.percent).toBe(40); // the latest state always goes out
  });

  it('uploads the preview only when it changed, then references the uploaded URL', async () => {
    const { clock, sink, messenger, target } = setup();
    messenger.attach('j1', target);
    clock.advance(1500);
    messenger.update(view(10, 1));
    await settle();
    messenger.update(view(20, 1));
    clock.advance(1500);
    await settle();
    messenger.update(view(30, 2));
    clock.advance(1500);
    await settle();
    expect(sink.sent.map((s) => s.preview)).toEqual(['preview.jpg', null, 'preview.jpg']);
    expect(sink.sent[0]!.imageUrl).toBe('attachment://preview.jpg');
    expect(sink.sent[1]!.imageUrl).toBe('https://cdn.example/preview.jpg?seq=1');
  });

  it('the final state goes at once (it must be there before the result), then the job is forgotten', async () => {
    const { clock, sink, messenger, target } = setup();
    messenger.attach('j1', target);
    clock.advance(1500);
    messenger.update(view(50));
    await settle();
    messenger.update(view(55)); // pending behind the interval when the job ends
    let finished = false;
    void messenger
      .finish('j1', { embeds: [{ title: 'final' }], components: [], clearAttachments: true })
      .then(() => (finished = true));
    messenger.update(view(60)); // late progress after the end is ignored
    await settle();
    await settle();
    expect(sink.sent.map((s) => s.final)).toEqual([false, true]);
    expect(finished).toBe(true);
    expect(messenger.has('j1')).toBe(false);
    clock.advance(1500);
    await settle();
    expect(sink.sent).toHaveLength(2);
  });

  it('after the interaction token’s 15 minutes, edits go through the channel message (bot token)', async () => {
    const { clock, sink, messenger, target } = setup();
    messenger.attach('j1', target);
    clock.advance(1500);
    messenger.update(view(5));
    await settle();
    clock.advance(15 * 60 * 1000);
    messenger.update(view(90));
    await settle();
    expect(sink.sent.map((s) => s.via)).toEqual(['interaction', 'channel']);
  });

  it('a token refused early (50027) falls back to the channel; a deleted message (10008) stops the edits', async () => {
    const { clock, sink, messenger, target } = setup();
    messenger.attach('j1', target);
    clock.advance(1500);
    sink.fail.push({ code: 50027 });
    messenger.update(view(5));
    await settle();
    await settle();
    expect(sink.sent.map((s) => s.via)).toEqual(['channel']);
    sink.fail.push({ code: 10008 });
    messenger.update(view(10));
    clock.advance(1500);
    await settle();
    await settle();
    messenger.update(view(20));
    clock.advance(1500);
    await settle();
    expect(sink.sent).toHaveLength(1);
    expect(messenger.has('j1')).toBe(false);
  });

  it('updates before the message exists are kept and sent once it is attached', async () => {
    const { clock, sink, messenger, target } = setup();
    messenger.update(view(7));
    await settle();
    expect(sink.sent).toHaveLength(0);
    messenger.attach('j1', target);
    clock.advance(1500);
    await settle();
    expect(sink.sent.map((s) => s.percent)).toEqual([7]);
  });
});

describe('progress edit budget', () => {
  it('with many live messages each is edited less often, keeping the total under the budget', async () => {
    const clock = new FakeClock(0);
    const sink = new RecordingSink(clock);
    const messenger = new ProgressMessenger({
      clock,
      sink,
      logger: nullLogger,
      editsPerSecond: 10,
      render: (_id, v) => ({ embeds: [{ title: `p=${v?.percent ?? 0}` }], components: [] }),
    });
    const ids = Array.from({ length: 40 }, (_, n) => `j${n}`);
    for (const id of ids)
      messenger.attach(id, {
        applicationId: 'a',
        interactionToken: 't',
        interactionAt: 0,
        channelId: 'c',
        messageId: id,
      });
    expect(messenger.currentInterval()).toBe(4000);
    for (let t = 0; t < 20; t++) {
      for (const id of ids) messenger.update({ ...view(t), jobId: id });
      clock.advance(500);
      await settle();
    }
    // 40 messages over 10 s at 10 edits/s: at most ~100 edits, not 40 × 6.
    expect(sink.sent.length).toBeLessThanOrEqual(10 * 10 + 40);
    expect(sink.sent.length).toBeGreaterThanOrEqual(40);
  });
});
