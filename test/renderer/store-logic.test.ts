import { describe, expect, it } from 'vitest';
import type { JobProgressView } from '@shared/api/jobs';
import type { Job } from '@shared/jobs';
import type { Output } from '@shared/library';
import type { Template } from '@shared/templates';
import { applyTemplateChanged, groupByGuild } from '../../renderer/src/stores/catalog-logic';
import {
  appendPage,
  applyAdded,
  applyChanged,
  applyRemoved,
  emptyGallery,
  matchesFilters,
  chunks,
  nextCursor,
  rangeIds,
} from '../../renderer/src/stores/gallery-logic';
import {
  applyJobChanged,
  applyProgress,
  emptyQueue,
  fromSnapshot,
  RECENT_LIMIT,
} from '../../renderer/src/stores/queue-logic';
import { collectParams, formSpecs, formValues, rangeHint } from '../../renderer/src/lib/param-form';
import { buildMediaUrl } from '../../renderer/src/api/media-url';
import { pageNameFromHash } from '../../renderer/src/lib/pages';
import { withScheme } from '../../renderer/src/lib/backend-url';
import { errorMessage } from '../../renderer/src/lib/format';
import { fieldMessage } from '../../renderer/src/lib/param-form';
import { ApiError } from '@shared/api';
import { standardParam } from '@shared/params';
import type { WorkflowManifest } from '@shared/workflow-manifest';
import { makeJob } from '../helpers/job-fixture';
import { numberBounds } from '../../renderer/src/lib/number-bounds';
import { QueueSettingsSchema } from '@shared/settings';
import { GuildLimitsSchema } from '@shared/guilds';

function job(id: string, status: Job['status'], updatedAt = 1, extra: Partial<Job> = {}): Job {
  return makeJob(id, { status, updatedAt, ...extra });
}

function progress(jobId: string, percent: number, updatedAt: number): JobProgressView {
  return {
    jobId,
    status: 'running',
    phase: 'sampling',
    percent,
    position: null,
    wait: null,
    notice: null,
    step: null,
    etaMs: null,
    preview: null,
    previewSeq: 0,
    updatedAt,
  };
}

function output(id: number, createdAt: number, extra: Partial<Output> = {}): Output {
  return {
    id,
    jobId: `j${id}`,
    filePath: `/lib/${id}.png`,
    kind: 'image',
    mime: 'image/png',
    width: 64,
    height: 64,
    bytes: 100,
    thumbnailPath: null,
    favourite: false,
    userId: 'desktop',
    guildId: null,
    workflow: 'sdxl-txt2img',
    prompt: 'a red fox in the snow',
    negative: '',
    seed: 1,
    createdAt,
    ...extra,
  };
}

describe('queue logic', () => {
  it('keeps the recent jobs newest first when a second snapshot replays the first', () => {
    const ended = [3, 2, 1].map((n) => job(`j${n}`, 'done', n * 10, { endedAt: n * 10 }));
    const first = fromSnapshot({ paused: false, active: [], waiting: 0, recent: ended });
    // What load() does: a fresh snapshot, then every job already known replayed over it.
    let s = fromSnapshot({ paused: false, active: [], waiting: 0, recent: ended });
    for (const j of Object.values(first.byId)) s = applyJobChanged(s, j);
    expect(s.recent.map((j) => j.id)).toEqual(['j3', 'j2', 'j1']);
    // A job that ended in between slots in by its end time, not at the top.
    s = applyJobChanged(s, job('j0', 'failed', 25, { endedAt: 25 }));
    expect(s.recent.map((j) => j.id)).toEqual(['j3', 'j0', 'j2', 'j1']);
  });

  it('keeps active jobs in run order and moves ended ones to recent, newest first', () => {
    let s = emptyQueue();
    s = applyJobChanged(s, job('a', 'queued', 1));
    s = applyJobChanged(s, job('b', 'queued', 2));
    s = applyJobChanged(s, job('b', 'running', 3));
    expect(s.active.map((j) => [j.id, j.status])).toEqual([
      ['b', 'running'],
      ['a', 'queued'],
    ]);
    s = applyProgress(s, progress('b', 40, 4));
    expect(s.progress.b?.percent).toBe(40);
    s = applyJobChanged(s, job('b', 'done', 5));
    expect(s.active.map((j) => j.id)).toEqual(['a']);
    expect(s.progress.b).toBeUndefined();
    s = applyJobChanged(s, job('a', 'failed', 6, { error: 'out of memory' }));
    expect(s.recent.map((j) => j.id)).toEqual(['a', 'b']);
  });

  it('ignores stale job states and late progress of ended jobs', () => {
    let s = applyJobChanged(emptyQueue(), job('a', 'running', 5));
    s = applyJobChanged(s, job('a', 'queued', 4));
    expect(s.byId.a?.status).toBe('running');
    s = applyProgress(s, progress('a', 50, 10));
    s = applyProgress(s, progress('a', 30, 9));
    expect(s.progress.a?.percent).toBe(50);
    s = applyJobChanged(s, job('a', 'cancelled', 11));
    s = applyProgress(s, progress('a', 60, 12));
    expect(s.progress.a).toBeUndefined();
  });

  it('starts from a snapshot and caps the recent list', () => {
    const s = fromSnapshot({
      paused: true,
      active: [{ job: job('x', 'running'), progress: progress('x', 10, 1) }],
      waiting: 0,
      recent: [job('y', 'done')],
    });
    expect(s.paused).toBe(true);
    expect(s.progress.x?.percent).toBe(10);
    let t = s;
    for (let i = 0; i < RECENT_LIMIT + 5; i++) t = applyJobChanged(t, job(`d${i}`, 'done', 100 + i));
    expect(t.recent).toHaveLength(RECENT_LIMIT);
    expect(t.recent[0]?.id).toBe(`d${RECENT_LIMIT + 4}`);
  });

  it('counts the whole line while the snapshot shows only its front', () => {
    // 1 running, 2 waiting shown, 3 more further back.
    let s = fromSnapshot({
      paused: false,
      active: [
        { job: job('r', 'running'), progress: progress('r', 10, 1) },
        { job: job('a', 'queued'), progress: progress('a', 0, 1) },
        { job: job('b', 'queued'), progress: progress('b', 0, 1) },
      ],
      waiting: 5,
      recent: [],
    });
    s = applyJobChanged(s, job('new', 'queued', 2)); // a new job joins the line
    expect(s.waiting).toBe(6);
    s = applyJobChanged(s, job('a', 'running', 3)); // one shown starts
    expect(s.waiting).toBe(5);
    s = applyJobChanged(s, job('far', 'cancelled', 4)); // one never shown leaves from further back
    expect(s.waiting).toBe(4);
    s = applyJobChanged(s, job('r', 'done', 5)); // a running one ends: the line is the same
    expect(s.waiting).toBe(4);
  });
});

describe('gallery logic', () => {
  it('appends keyset pages without duplicates and knows when it is done', () => {
    let s = appendPage(emptyGallery(), { items: [output(3, 30), output(2, 20)], total: 3, totalCapped: false }, 2);
    expect(s.done).toBe(false);
    expect(nextCursor(s)).toEqual({ createdAt: 20, id: 2 });
    s = appendPage(s, { items: [output(2, 20), output(1, 10)], total: 3, totalCapped: false }, 2);
    expect(s.items.map((o) => o.id)).toEqual([3, 2, 1]);
    s = appendPage(s, { items: [], total: 3, totalCapped: false }, 2);
    expect(s.done).toBe(true);
  });

  it('matches new outputs against the filters, text by word prefixes', () => {
    const o = output(1, 10, { prompt: 'A Red fox, in snow' });
    expect(matchesFilters(o, { text: 'fox red' })).toBe(true);
    expect(matchesFilters(o, { text: 'sno' })).toBe(true);
    expect(matchesFilters(o, { text: 'wolf' })).toBe(false);
    expect(matchesFilters(o, { favourite: true })).toBe(false);
    expect(matchesFilters(o, { kind: 'video' })).toBe(false);
    expect(matchesFilters(o, { from: 11 })).toBe(false);
    expect(matchesFilters(o, { workflow: 'sdxl-txt2img', userId: 'desktop' })).toBe(true);
  });

  it('folds in added, changed and removed outputs', () => {
    let s = appendPage(emptyGallery(), { items: [output(2, 20)], total: 1, totalCapped: false }, 100);
    s = applyAdded(s, [output(3, 30), output(4, 40, { prompt: 'a castle' })], { text: 'fox' });
    expect(s.items.map((o) => o.id)).toEqual([3, 2]);
    expect(s.total).toBe(2);
    s = applyChanged(s, { id: 3, thumbnailPath: '/t/3.webp' }, {});
    expect(s.items[0]?.thumbnailPath).toBe('/t/3.webp');
    expect(s.thumbVersion[3]).toBe(1);
    s = applyChanged(s, { id: 2, favourite: true }, { favourite: true });
    s = applyChanged(s, { id: 3, favourite: false }, { favourite: true });
    expect(s.items.map((o) => o.id)).toEqual([2]);
    s = applyRemoved(s, [2, 99]);
    expect(s.items).toEqual([]);
    expect(s.total).toBe(0);
  });

  it('a Shift+click range runs from the anchor to the clicked output either way, and bulk deletes go 1,000 at a time', () => {
    const items = [5, 4, 3, 2, 1].map((id) => output(id, id * 10));
    expect(rangeIds(items, 4, 2)).toEqual([4, 3, 2]);
    expect(rangeIds(items, 2, 4)).toEqual([4, 3, 2]);
    expect(rangeIds(items, null, 3)).toEqual([3]);
    expect(rangeIds(items, 99, 3)).toEqual([3]);
    expect(chunks([...Array(2500).keys()], 1000).map((c) => c.length)).toEqual([1000, 1000, 500]);
  });
});

describe('templates, forms, media and navigation', () => {
  const tpl = (id: number, name: string, guildId: string | null): Template => ({
    id,
    ownerId: 'desktop',
    guildId,
    shared: guildId !== null,
    name,
    prompt: '',
    negative: '',
    params: {},
    workflow: 'sdxl-txt2img',
    models: {},
    lora: null,
    createdAt: 1,
    updatedAt: 1,
  });

  it('applies template changes and groups by server with private first', () => {
    let list = applyTemplateChanged([], { id: 2, template: tpl(2, 'zeta', '123456') });
    list = applyTemplateChanged(list, { id: 1, template: tpl(1, 'alpha', null) });
    list = applyTemplateChanged(list, { id: 3, template: tpl(3, 'beta', '123456') });
    expect(groupByGuild(list).map((g) => [g.guildId, g.templates.map((t) => t.name)])).toEqual([
      [null, ['alpha']],
      ['123456', ['beta', 'zeta']],
    ]);
    expect(applyTemplateChanged(list, { id: 2, template: null }).map((t) => t.id)).toEqual([1, 3]);
  });

  it('builds form values from a manifest and checks them with its ranges', () => {
    const manifest = {
      parameters: [
        standardParam('prompt'),
        standardParam('steps'),
        standardParam('seed'),
        standardParam('scale'),
        { name: 'tiled', type: 'bool', label: 'Tiled', default: false },
      ],
    } as unknown as WorkflowManifest;
    const specs = formSpecs(manifest);
    expect(specs.map((s) => s.name)).toEqual(['steps', 'seed', 'scale', 'tiled']);
    const values = formValues(specs, { steps: 30 });
    expect(values).toEqual({ steps: '30', seed: '', scale: '', tiled: false });
    expect(collectParams(specs, { ...values, scale: '4x', tiled: true })).toEqual({
      params: { steps: 30, scale: '4x', tiled: true },
      errors: {},
    });
    expect(collectParams(specs, { ...values, steps: '500' }).errors.steps).toMatch(/at most 150/);
    expect(rangeHint(specs[0]!)).toBe('1–150');
  });

  it('makes media URLs for the browser and the desktop protocol', () => {
    expect(buildMediaUrl('/media', 'thumb', 7)).toBe('/media/thumb/7');
    expect(buildMediaUrl('comfydesk-media://media/', 'file', 7, 2)).toBe('comfydesk-media://media/file/7?v=2');
    expect(pageNameFromHash('#/queue')).toBe('queue');
    expect(pageNameFromHash('#queue?x=1')).toBe('queue');
    expect(pageNameFromHash('')).toBe('');
  });
});

describe('readable texts', () => {
  it('adds http:// to an address typed without a scheme and leaves others alone', () => {
    expect(withScheme(' 192.168.1.20:8188 ')).toBe('http://192.168.1.20:8188');
    expect(withScheme('localhost:8188')).toBe('http://localhost:8188');
    expect(withScheme('https://comfy.example.com')).toBe('https://comfy.example.com');
  });

  it('says a contract error with its own sentences, naming fields only when there are several', () => {
    const one = new ApiError({
      code: 'bad_request',
      message: 'Invalid input for bot.setToken: token: That is not a bot token.',
      issues: [{ path: 'token', message: 'That is not a bot token.' }],
    });
    expect(errorMessage(one)).toBe('That is not a bot token.');
    const two = new ApiError({
      code: 'bad_request',
      message: 'Invalid input for settings.set: queue.perUserLimit: Too small; queue.globalLimit: Too big',
      issues: [
        { path: 'queue.perUserLimit', message: 'Too small' },
        { path: 'queue.globalLimit', message: 'Too big' },
      ],
    });
    expect(errorMessage(two)).toBe('perUserLimit: Too small · globalLimit: Too big');
    expect(errorMessage(new ApiError({ code: 'conflict', message: 'Already added.' }))).toBe('Already added.');
  });

  it('drops the parameter name a field error would repeat', () => {
    expect(fieldMessage('steps', 'steps must be at most 50 (got 80)')).toBe('Must be at most 50 (got 80)');
    expect(fieldMessage('steps', 'something else')).toBe('something else');
  });
});

describe('form ranges', () => {
  it('reads a number field range from the shared schema, through .default() and .optional()', () => {
    expect(numberBounds(QueueSettingsSchema.shape.globalLimit)).toEqual({ min: 1, max: 10_000 });
    expect(numberBounds(GuildLimitsSchema.shape.perUserQueue)).toEqual({ min: 1, max: 100 });
  });
});
