/**
 * A lived-in ComfyDesk for screenshots and the page-wide checks (accessibility, phone layout): pictures made by
 * the fake ComfyUI as drawn scenes at several shapes, from you and from friends on a Discord server, a few
 * favourites, a failed job (out of memory), a saved template, a job running with its live preview and two
 * waiting behind it. Everything goes through the core's API, as the desktop and the bot would.
 */
import type { Job } from '@shared/jobs';
import type { CallContext } from '@core/api/dispatch';
import { asDiscordUser, discordUser } from '@test/helpers/actors';
import { afterAll, beforeAll } from 'vitest';
import { startUi, type Ui, type UiOptions } from './harness';

const ME: CallContext = { caller: 'test' };
const friend = (id: string, name: string) =>
  asDiscordUser(discordUser(id, name, { guildName: 'Night Owls', guildId: '900000000000000001' }));
const MIRA = friend('210000000000000001', 'mira');
const KENJI = friend('210000000000000002', 'kenji');
const ANA = friend('210000000000000003', 'ana.k');

/** Scenes of the fake (test/fakes/comfyui/scenes.ts), by `seed % 7`. */
const SCENE = { lighthouse: 0, mountains: 1, city: 2, forest: 3, planet: 4, dunes: 5, castle: 6 } as const;
const seedFor = (scene: keyof typeof SCENE, n: number) => 7 * (1000 + n * 13) + SCENE[scene];

interface Shot {
  who: CallContext;
  workflow: 'sdxl-txt2img' | 'flux-txt2img';
  prompt: string;
  scene: keyof typeof SCENE;
  size: [number, number];
  favourite?: boolean;
}

const DONE: Shot[] = [
  {
    who: ME,
    workflow: 'sdxl-txt2img',
    prompt: 'a lighthouse on a cliff at dawn, volumetric light, cinematic',
    scene: 'lighthouse',
    size: [1216, 832],
    favourite: true,
  },
  {
    who: MIRA,
    workflow: 'flux-txt2img',
    prompt: 'snowy mountains at sunset, alpenglow, wide angle landscape photo',
    scene: 'mountains',
    size: [1344, 768],
  },
  {
    who: KENJI,
    workflow: 'sdxl-txt2img',
    prompt: 'a neon city street in the rain at night, cyberpunk, reflections',
    scene: 'city',
    size: [832, 1216],
    favourite: true,
  },
  {
    who: ANA,
    workflow: 'flux-txt2img',
    prompt: 'a misty forest lake in the morning, soft light, film grain',
    scene: 'forest',
    size: [1024, 1024],
  },
  {
    who: ME,
    workflow: 'sdxl-txt2img',
    prompt: 'a ringed planet rising over a purple nebula, space art',
    scene: 'planet',
    size: [896, 1152],
  },
  {
    who: MIRA,
    workflow: 'sdxl-txt2img',
    prompt: 'desert dunes under a pale sun, minimalist, warm palette',
    scene: 'dunes',
    size: [1216, 832],
  },
  {
    who: KENJI,
    workflow: 'flux-txt2img',
    prompt: 'a fairytale castle above the clouds, matte painting',
    scene: 'castle',
    size: [832, 1216],
    favourite: true,
  },
  {
    who: ME,
    workflow: 'flux-txt2img',
    prompt: 'old lighthouse, stormy sea, oil painting',
    scene: 'lighthouse',
    size: [832, 1216],
  },
  {
    who: ANA,
    workflow: 'sdxl-txt2img',
    prompt: 'cyberpunk alley with pink and cyan signs, rain, 35mm',
    scene: 'city',
    size: [1344, 768],
  },
  {
    who: MIRA,
    workflow: 'sdxl-txt2img',
    prompt: 'blue hour over a mountain range, layered ridges',
    scene: 'mountains',
    size: [1024, 1024],
  },
  {
    who: ME,
    workflow: 'sdxl-txt2img',
    prompt: 'a lonely planet with rings, stars, retro sci-fi poster',
    scene: 'planet',
    size: [1216, 832],
  },
  {
    who: KENJI,
    workflow: 'flux-txt2img',
    prompt: 'pine forest reflected in a calm lake, fog, morning',
    scene: 'forest',
    size: [896, 1152],
  },
  {
    who: ANA,
    workflow: 'flux-txt2img',
    prompt: 'sand dunes at golden hour, long shadows',
    scene: 'dunes',
    size: [1344, 768],
  },
  {
    who: ME,
    workflow: 'sdxl-txt2img',
    prompt: 'castle in the sky, towers, white clouds, studio ghibli style',
    scene: 'castle',
    size: [1024, 1024],
  },
];

export interface Demo {
  running: Job;
  waiting: Job[];
  failed: Job;
  /** Let the held job finish and the waiting ones run. */
  release(): Promise<void>;
}

async function untilEnded(ui: Ui, ids: string[]): Promise<void> {
  const ended = () =>
    ids.every((id) => ['done', 'failed', 'cancelled'].includes(ui.core.store.jobs.get(id)?.status ?? ''));
  await ui.waitForCore(ended);
}

async function untilThumbnails(ui: Ui): Promise<void> {
  await ui.waitForCore(() =>
    ui.core.library.search({ limit: 500 }).items.every((o) => o.kind !== 'image' || o.thumbnailPath !== null),
  );
}

export async function seedDemo(ui: Ui): Promise<Demo> {
  const { core, fake } = ui;
  // About a second a picture, so durations and the order of the recent jobs read like a real evening.
  fake.setScript({ outputDetail: 'scene', msPerStep: 40, previews: false, hold: false, fail: null });
  const ids: string[] = [];
  for (const [n, shot] of DONE.entries()) {
    const job = await core.api.call(
      'jobs.submit',
      {
        workflow: shot.workflow,
        prompt: shot.prompt,
        params: {
          seed: seedFor(shot.scene, n),
          steps: shot.workflow === 'flux-txt2img' ? 20 : 28,
          width: shot.size[0],
          height: shot.size[1],
        },
      },
      shot.who,
    );
    ids.push(job.id);
  }
  await untilEnded(ui, ids);
  await untilThumbnails(ui);
  for (const [n, shot] of DONE.entries()) {
    if (!shot.favourite) continue;
    const [output] = core.library.search({ limit: 1, text: shot.prompt.split(',')[0] }).items;
    if (output) await core.api.call('library.favourite', { id: output.id, favourite: true }, ME);
    void n;
  }

  // A job that ran out of memory on the GPU, with what helps.
  fake.setScript({ fail: { node: 'KSampler', kind: 'oom' } });
  const failed = await core.api.call(
    'jobs.submit',
    {
      workflow: 'sdxl-txt2img',
      prompt: 'a huge panorama of a city skyline, ultra detailed',
      params: { width: 2048, height: 2048, steps: 40, seed: seedFor('city', 40) },
    },
    KENJI,
  );
  await untilEnded(ui, [failed.id]);
  fake.setScript({ fail: null });

  await core.api.call(
    'templates.save',
    {
      name: 'Cozy castle',
      workflow: 'sdxl-txt2img',
      prompt: 'a cozy castle in winter, warm windows, snow',
      negative: 'blurry',
      params: { steps: 30, cfg: 6.5 },
    },
    ME,
  );

  // One running with its live preview half way, two waiting behind it.
  fake.setScript({ msPerStep: 30, previews: true, hold: { step: 14 } });
  const running = await core.api.call(
    'jobs.submit',
    {
      workflow: 'sdxl-txt2img',
      prompt: 'a lighthouse keeper’s cottage by the sea at dusk, warm light',
      params: { seed: seedFor('lighthouse', 50), steps: 30, width: 1216, height: 832 },
    },
    MIRA,
  );
  const promptId = await fake.waitForHeld();
  const waiting = [
    await core.api.call(
      'jobs.submit',
      {
        workflow: 'flux-txt2img',
        prompt: 'a red fox in fresh snow, telephoto, soft morning light',
        params: { steps: 20 },
      },
      ANA,
    ),
    await core.api.call(
      'jobs.submit',
      { workflow: 'sdxl-txt2img', prompt: 'a bowl of ramen, steam, studio lighting, top view', params: { steps: 28 } },
      ME,
    ),
  ];
  await ui.waitForCore(() => (core.store.jobs.get(running.id)?.progress ?? 0) > 0);
  return {
    running: core.store.jobs.get(running.id)!,
    waiting,
    failed: core.store.jobs.get(failed.id)!,
    async release() {
      fake.setScript({ hold: false, msPerStep: 0, previews: false });
      fake.release(promptId);
      await untilEnded(ui, [running.id, ...waiting.map((w) => w.id)]);
    },
  };
}

/**
 * A UI on the demo data for the whole suite it is called in: started and seeded before its tests, released and
 * closed after them. `use` receives both (e.g. `withDemoUi((started) => (ui = started))`).
 */
export function withDemoUi(use: (ui: Ui, demo: Demo) => void, options?: UiOptions): void {
  let ui: Ui | undefined;
  let demo: Demo | undefined;
  beforeAll(async () => {
    ui = await startUi(options);
    demo = await seedDemo(ui);
    use(ui, demo);
  });
  afterAll(async () => {
    await demo?.release();
    await ui?.close();
  });
}
