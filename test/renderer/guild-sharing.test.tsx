/**
 * A server's sharing rules as the Discord bot page edits them: which workflows run in which channels (the summary
 * a row shows, ticking and unticking), and the draft ⇄ settings round trip keeping every rule.
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { BotChannel, BotGuild } from '@shared/api/bot';
import type { WorkflowEntry } from '@shared/api/templates';
import { sharingDraft, sharingSettings } from '../../renderer/src/pages/bot/sharing-draft';
import { channelsSummary, WorkflowChannels, withWorkflowChannels } from '../../renderer/src/pages/bot/WorkflowChannels';

const channels: BotChannel[] = [
  { id: '100000000000000001', name: 'art', missing: [] },
  { id: '100000000000000002', name: 'video', missing: [] },
];

describe('workflows by channel', () => {
  it('says where a workflow runs', () => {
    expect(channelsSummary([], channels)).toBe('every channel');
    expect(channelsSummary(['100000000000000002'], channels)).toBe('#video only');
    expect(channelsSummary(['100000000000000001', '100000000000000002'], channels)).toBe('#art, #video');
    // A channel the bot no longer sees is named by its id rather than dropped.
    expect(channelsSummary(['999'], channels)).toBe('#999 only');
  });

  it('a workflow left with no channel runs anywhere again (its entry goes)', () => {
    const one = withWorkflowChannels({}, 'wan22-i2v', ['100000000000000002']);
    expect(one).toEqual({ 'wan22-i2v': ['100000000000000002'] });
    expect(withWorkflowChannels(one, 'wan22-i2v', [])).toEqual({});
    expect(withWorkflowChannels(one, 'sdxl-txt2img', ['100000000000000001'])).toEqual({
      'wan22-i2v': ['100000000000000002'],
      'sdxl-txt2img': ['100000000000000001'],
    });
  });

  it('lists each workflow with where it runs, and nothing without channels to choose from', () => {
    const workflows = [
      { manifest: { id: 'sdxl-txt2img', title: 'SDXL' }, source: 'bundled' },
      { manifest: { id: 'wan22-i2v', title: 'Animate (Wan 2.2)' }, source: 'bundled' },
    ] as unknown as WorkflowEntry[];
    const value = { 'wan22-i2v': ['100000000000000002'] };
    const html = renderToStaticMarkup(
      <WorkflowChannels workflows={workflows} channels={channels} value={value} onSave={() => undefined} />,
    );
    expect(html).toContain('SDXL: <span class="muted">every channel</span>');
    expect(html).toContain('Animate (Wan 2.2): <span class="muted">#video only</span>');
    expect(
      renderToStaticMarkup(<WorkflowChannels workflows={workflows} channels={[]} value={value} onSave={() => {}} />),
    ).toBe('');
  });

  it('the sharing draft keeps the workflow rules through a save', () => {
    const guild = {
      id: '200000000000000000',
      settings: {
        channelRules: {
          channels: ['100000000000000001', '100000000000000002'],
          workflowChannels: { 'wan22-i2v': ['100000000000000002'] },
          nsfwWords: ['nsfw'],
          spoilerOutsideNsfw: true,
        },
      },
    } as unknown as BotGuild;
    const draft = sharingDraft(guild);
    expect(draft.workflowChannels).toEqual({ 'wan22-i2v': ['100000000000000002'] });
    const saved = sharingSettings(guild, {
      ...draft,
      workflowChannels: withWorkflowChannels(draft.workflowChannels, 'sdxl-txt2img', ['100000000000000001']),
    });
    expect(saved.channelRules).toEqual({
      channels: ['100000000000000001', '100000000000000002'],
      workflowChannels: { 'wan22-i2v': ['100000000000000002'], 'sdxl-txt2img': ['100000000000000001'] },
      nsfwWords: ['nsfw'],
      spoilerOutsideNsfw: true,
    });
  });
});
