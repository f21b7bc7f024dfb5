import { describe, expect, it } from 'vitest';
import { BotTokenSchema } from '@shared/api/bot';
import { buttonId, parseButtonId } from '@shared/button-ids';
import {
  clampEmbed,
  embedSize,
  errorEmbed,
  progressBar,
  progressEmbed,
  resultButtons,
  resultEmbed,
  templatePreviewEmbed,
} from '@shared/embeds';
import type { WorkflowManifest } from '@shared/workflow-manifest';
import { attachmentProblem, isAllowedUrl, sniffImage } from '@core/discord/attachments';
import { findBannedWord, promptProblem } from '@core/access/prompt-rules';
import { applicationIdFromToken, BOT_PERMISSIONS, inviteUrl } from '@core/discord/invite';
import {
  combinePrompt,
  filterChoices,
  inOptionTerms,
  paramsFromOptions,
  type OptionValues,
} from '@core/discord/options';
import { memberLevel } from '@shared/permissions';
import { rateChecks, SlidingWindowLimiter } from '@core/access/rate-limit';
import { resolveParams } from '@core/workflows/resolve';
import { WorkflowRegistry } from '@core/workflows/registry';
import { BUNDLED_DIR } from '../workflows/helpers';

const job = {
  id: '0b9f3c2e-1111-4222-8333-944455556666',
  number: 1287,
  prompt: 'a red fox in the snow',
  negative: 'blurry',
  workflow: 'sdxl-txt2img',
  params: { seed: 42, steps: 20, cfg: 7, width: 1024, height: 768 },
  userId: '123',
};

async function manifests(): Promise<Map<string, WorkflowManifest>> {
  const reg = new WorkflowRegistry({ bundledDir: BUNDLED_DIR });
  await reg.load();
  return new Map(reg.list().map((w) => [w.manifest.id, w.manifest]));
}

describe('shared/embeds', () => {
  it('progress: bar, percent, phase, position and ETA; queued before any progress', () => {
    expect(progressBar(50, 10)).toBe('▰▰▰▰▰▱▱▱▱▱');
    expect(progressBar(250, 4)).toBe('▰▰▰▰');
    const e = progressEmbed({
      job,
      progress: {
        jobId: job.id,
        status: 'running',
        phase: 'sampling',
        percent: 45.6,
        position: 2,
        wait: null,
        notice: null,
        step: { value: 9, max: 20 },
        etaMs: 65_000,
        preview: null,
        previewSeq: 0,
        updatedAt: 0,
      },
      previewUrl: 'attachment://preview.jpg',
    });
    expect(e.description).toContain('**45%**');
    expect(e.description).toContain('Sampling · step 9/20');
    expect(e.fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Position', value: '#2' }),
        expect.objectContaining({ name: 'Time left', value: 'about 1 min 5 s' }),
      ]),
    );
    expect(e.imageUrl).toBe('attachment://preview.jpg');
    expect(progressEmbed({ job, progress: null }).title).toBe('Queued');
  });

  it('result: prompt, parameters with seed, who; files left out are explained', () => {
    const e = resultEmbed({
      job,
      who: '<@123>',
      imageUrl: 'attachment://result-1.png',
      made: 2,
      attached: 1,
      notAttachedReason: '12.0 MB is over the 10 MB upload limit',
    });
    expect(e.description).toContain('a red fox in the snow');
    expect(e.description).toContain('1 of 2 files not attached (12.0 MB is over the 10 MB upload limit)');
    const names = e.fields.map((f) => `${f.name}=${f.value}`);
    expect(names).toEqual(
      expect.arrayContaining(['Seed=42', 'Steps=20', 'Size=1024×768', 'By=<@123>', 'Workflow=sdxl-txt2img']),
    );
  });

  it('buttons carry persistent ids that parse back, and nothing else parses', () => {
    const rows = resultButtons(job.id, 'image');
    const ids = rows.flat().map((b) => b.customId);
    expect(ids).toEqual(
      ['upscale2', 'upscale4', 'vary', 'edit', 'animate', 'rerun', 'delete'].map((a) => `cd:${a}:${job.id}`),
    );
    for (const id of ids) expect(parseButtonId(id)?.jobId).toBe(job.id);
    expect(
      resultButtons(job.id, 'video')
        .flat()
        .map((b) => b.label),
    ).toEqual(['Rerun', 'Delete']);
    expect(parseButtonId(buttonId('vary', 'abc'))).toEqual({ action: 'vary', jobId: 'abc' });
    for (const bad of ['cd:nuke:abc', 'cd:vary:', 'x:vary:abc', `cd:vary:${'a'.repeat(120)}`, 'cd:vary:../../etc'])
      expect(parseButtonId(bad)).toBeNull();
  });

  it('clamps every part to Discord limits and the 6000 total', () => {
    const huge = clampEmbed({
      title: 't'.repeat(300),
      description: 'd'.repeat(5000),
      color: 0,
      fields: Array.from({ length: 30 }, (_, n) => ({ name: `f${n}`, value: 'v'.repeat(2000), inline: true })),
      imageUrl: null,
      footer: 'x',
    });
    expect(huge.title.length).toBe(256);
    expect(huge.fields.length).toBeLessThanOrEqual(25);
    expect(huge.fields.every((f) => f.value.length <= 1024)).toBe(true);
    expect(embedSize(huge)).toBeLessThanOrEqual(6000);
    expect(errorEmbed({ title: 'Queue full', message: 'm', hint: 'wait' }).description).toContain(
      '**What to do:** wait',
    );
  });

  it('template preview lists the manifest parameters with defaults', async () => {
    const m = (await manifests()).get('sdxl-txt2img')!;
    const e = templatePreviewEmbed(
      {
        name: 'noir',
        prompt: '{prompt}, film noir',
        negative: '',
        params: { steps: 30 },
        workflow: 'sdxl-txt2img',
        shared: true,
      },
      m,
    );
    const values = Object.fromEntries(e.fields.map((f) => [f.name, f.value]));
    expect(values.Steps).toBe('30');
    expect(values.CFG).toMatch(/\(default\)$/);
    expect(values.Shared).toBe('Everyone on this server');
    expect(
      templatePreviewEmbed({ name: 'x', prompt: 'p', negative: '', params: {}, workflow: 'gone', shared: false }, null)
        .fields[0]!.value,
    ).toContain('not installed');
  });
});

describe('roles, limits and text checks', () => {
  const mapping = [
    { roleId: 'gen', level: 'generator' as const },
    { roleId: 'adm', level: 'admin' as const },
  ];
  it('levels: Administrators are admin, highest mapped role wins, unmapped are users once roles are mapped', () => {
    expect(memberLevel({ isGuildAdmin: true, roleIds: [] }, { mapping })).toBe('admin');
    expect(memberLevel({ isGuildAdmin: false, roleIds: ['gen', 'adm'] }, { mapping })).toBe('admin');
    expect(memberLevel({ isGuildAdmin: false, roleIds: ['gen'] }, { mapping })).toBe('generator');
    expect(memberLevel({ isGuildAdmin: false, roleIds: ['other'] }, { mapping })).toBe('user');
    expect(memberLevel({ isGuildAdmin: false, roleIds: [] }, { mapping: [] })).toBe('generator');
    expect(memberLevel({ isGuildAdmin: false, roleIds: [] }, { mapping: [], everyoneLevel: 'user' })).toBe('user');
  });

  it('sliding window per user and per guild, with the wait until a slot frees', () => {
    let now = 0;
    const limiter = new SlidingWindowLimiter(() => now);
    const limits = { userRate: { count: 2, windowSec: 10 }, guildRate: { count: 3, windowSec: 10 } };
    expect(limiter.take(rateChecks('a', 'g', limits)).ok).toBe(true);
    now = 1000;
    expect(limiter.take(rateChecks('a', 'g', limits)).ok).toBe(true);
    now = 2000;
    expect(limiter.take(rateChecks('a', 'g', limits))).toMatchObject({ ok: false, scope: 'user', retryAfterMs: 8000 });
    expect(limiter.take(rateChecks('b', 'g', limits)).ok).toBe(true);
    expect(limiter.take(rateChecks('c', 'g', limits))).toMatchObject({ ok: false, scope: 'guild' });
    now = 10_001;
    expect(limiter.take(rateChecks('a', 'g', limits)).ok).toBe(true);
  });

  it('banned words are found as whole words and named; long prompts are refused', () => {
    expect(findBannedWord('A Gory scene', ['gore', 'gory'])).toBe('gory');
    expect(findBannedWord('gorgeous landscape', ['gore'])).toBeNull();
    expect(findBannedWord('very  bad   thing', ['bad thing'])).toBe('bad thing');
    expect(promptProblem({ prompt: 'fine', negative: 'gore' }, ['gore'])).toContain(
      'negative contains the banned word "gore"',
    );
    expect(promptProblem({ prompt: 'x'.repeat(2001) }, [])).toContain('limit is 2000');
    expect(findBannedWord('(.*)', ['.*'])).toBe('.*');
  });
});

describe('options → workflow parameters', () => {
  /** What the bot sends for these options, checked by the core; refusals in option terms. */
  function asked(manifest: WorkflowManifest, options: OptionValues, base?: Record<string, unknown>) {
    try {
      const request = paramsFromOptions(manifest, options, base);
      try {
        resolveParams(
          manifest,
          {
            prompt: manifest.kind === 'upscale' ? '' : 'x',
            negative: '',
            params: request.params,
            lora: request.lora,
            imageSlots: manifest.images.map((_, i) => i),
          },
          { random: () => 0, remembered: {} },
        );
        return { ok: true, params: request.params };
      } catch (err) {
        return { ok: false, message: (inOptionTerms(err, request.optionOf) as Error).message };
      }
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    }
  }

  it('renames every option to the workflow parameter; the core checks the range and the refusal names the option', async () => {
    const ms = await manifests();
    const sdxl = ms.get('sdxl-txt2img')!;
    const flux = ms.get('flux-txt2img')!;
    expect(asked(sdxl, { steps: 30, cfg: 5.5, seed: 7, batch: 2, width: 768 })).toEqual({
      ok: true,
      params: { steps: 30, cfg: 5.5, seed: 7, batch_size: 2, width: 768 },
    });
    expect(asked(sdxl, { steps: 500 })).toEqual({
      ok: false,
      message: 'Option `steps`: must be at most 100 (got 500).',
    });
    expect(asked(sdxl, { width: 100 })).toMatchObject({
      ok: false,
      message: expect.stringContaining('Option `width`'),
    });
    // cfg maps to guidance on Flux
    expect(asked(flux, { cfg: 3.5 })).toEqual({ ok: true, params: { guidance: 3.5 } });
    expect(asked(ms.get('upscale')!, { steps: 3 })).toMatchObject({
      ok: false,
      message: expect.stringContaining('has no `steps` option'),
    });
    expect(asked(sdxl, { lora: 'detail.safetensors', lora_strength: 5 })).toMatchObject({
      ok: false,
      message: expect.stringContaining('lora_strength'),
    });
    expect(asked(ms.get('upscale')!, { lora: 'x.safetensors' })).toMatchObject({
      ok: false,
      message: expect.stringContaining('takes no LoRA'),
    });
    // a base (template) keeps only known parameters
    expect(asked(sdxl, { steps: 10 }, { steps: 40, cfg: 4, bogus: 1, prompt: 'x' })).toEqual({
      ok: true,
      params: { steps: 10, cfg: 4 },
    });
  });

  it('template prompts combine with the user prompt', () => {
    expect(combinePrompt('a cat', { prompt: '{prompt}, oil painting' })).toBe('a cat, oil painting');
    expect(combinePrompt('a cat', { prompt: 'watercolor' })).toBe('a cat, watercolor');
    expect(combinePrompt('a cat', null)).toBe('a cat');
  });

  it('autocomplete filtering searches the whole list and ranks prefixes first', () => {
    const items = Array.from({ length: 200 }, (_, n) => `lora_${String(n).padStart(3, '0')}.safetensors`).concat([
      'zebra-style.safetensors',
      'style/anime.safetensors',
    ]);
    expect(filterChoices(items, '', (s) => [s])).toHaveLength(25);
    expect(filterChoices(items, 'zebra', (s) => [s])).toEqual(['zebra-style.safetensors']);
    expect(filterChoices(items, '199', (s) => [s])).toEqual(['lora_199.safetensors']);
    expect(filterChoices(items, 'anime', (s) => [s])).toEqual(['style/anime.safetensors']);
    expect(filterChoices(items, 'style', (s) => [s])[0]).toBe('style/anime.safetensors');
  });
});

describe('attachments, token and invite', () => {
  const cdn = ['https://cdn.discordapp.com'];
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
  it('refuses non-images, oversize and foreign URLs before any download', () => {
    const ok = {
      name: 'a.png',
      size: 1000,
      url: 'https://cdn.discordapp.com/ephemeral-attachments/1/2/a.png?ex=1',
      contentType: 'image/png',
    };
    expect(attachmentProblem(ok, 'image', cdn)).toBeNull();
    expect(attachmentProblem({ ...ok, contentType: 'application/pdf', name: 'a.pdf' }, 'image', cdn)).toContain(
      'must be an image',
    );
    expect(attachmentProblem({ ...ok, contentType: 'image/svg+xml' }, 'image', cdn)).toContain('must be an image');
    expect(attachmentProblem({ ...ok, size: 26 * 1024 * 1024 }, 'image2', cdn)).toContain('`image2`');
    expect(attachmentProblem({ ...ok, url: 'https://evil.example/a.png' }, 'image', cdn)).toContain("Discord's CDN");
    expect(isAllowedUrl('https://cdn.discordapp.com.evil.example/x', cdn)).toBe(false);
    expect(isAllowedUrl('http://cdn.discordapp.com/x', cdn)).toBe(false);
    expect(sniffImage(png)).toBe('png');
    expect(sniffImage(Buffer.from('<svg></svg>'))).toBeNull();
  });

  it('validates bot tokens and builds the invite from the application id with the needed permissions', () => {
    const token = 'MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GfAkEd.ZmFrZS1kaXNjb3JkLXRva2VuLWZvci10ZXN0cw';
    expect(BotTokenSchema.parse(`Bot ${token}`)).toBe(token);
    expect(BotTokenSchema.safeParse('not-a-token').success).toBe(false);
    expect(BotTokenSchema.safeParse('abcdef0123456789abcdef0123456789').success).toBe(false);
    expect(applicationIdFromToken(token)).toBe('1234567890123456789');
    expect(BOT_PERMISSIONS.toString()).toBe('274878024704');
    const url = new URL(inviteUrl('1234567890123456789', '42424242'));
    expect(url.searchParams.get('scope')).toBe('bot applications.commands');
    expect(url.searchParams.get('permissions')).toBe('274878024704');
    expect(url.searchParams.get('guild_id')).toBe('42424242');
  });
});
