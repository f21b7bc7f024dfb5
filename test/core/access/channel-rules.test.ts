/** A server's channel rules and shares, as pure rules over the person's facts. */
import { describe, expect, it } from 'vitest';
import { channelRefusal, nsfwWordRefusal, workflowChannelRefusal } from '@core/access/channel-rules';
import type { Person } from '@core/access/person';
import { dailyQuotaOf, heldRoles, resultsAsSpoiler, shareWeightOf, type ChannelRules } from '@shared/sharing';

const GUILD = '100000000000000001';
const ART = '100000000000000010';
const OTHER = '100000000000000011';

function member(rules: ChannelRules, more: Partial<Person> = {}): Person {
  return {
    kind: 'discord',
    source: 'discord',
    userId: '200000000000000001',
    userName: 'alice',
    guildId: GUILD,
    guildName: 'Lab',
    guild: {
      id: GUILD,
      name: 'Lab',
      limits: {},
      bannedWords: [],
      settings: { channelRules: rules },
    } as unknown as Person['guild'],
    channelId: OTHER,
    level: 'generator',
    roleIds: [],
    channelNsfw: false,
    fromDm: false,
    linkedOwner: false,
    ...more,
  };
}

describe('channel rules', () => {
  it('the bot answers only in its channels, except to admins and the linked owner', () => {
    const rules = { channels: [ART] };
    expect(channelRefusal(member(rules))?.message).toBe(`ComfyDesk answers in <#${ART}> on this server.`);
    expect(channelRefusal(member(rules, { channelId: ART }))).toBeNull();
    expect(channelRefusal(member(rules, { level: 'admin' }))).toBeNull();
    expect(channelRefusal(member(rules, { linkedOwner: true }))).toBeNull();
    expect(channelRefusal(member({}))).toBeNull();
  });

  it('a workflow limited to channels is refused elsewhere and from a DM, naming where it runs', () => {
    const rules = { workflowChannels: { 'video-wan': [ART] } };
    const video = { id: 'video-wan', title: 'Wan video' };
    expect(workflowChannelRefusal(member(rules), video)?.message).toBe(
      `“Wan video” runs only in <#${ART}> on this server.`,
    );
    expect(workflowChannelRefusal(member(rules, { channelId: ART }), video)).toBeNull();
    expect(workflowChannelRefusal(member(rules, { channelId: ART, fromDm: true }), video)).not.toBeNull();
    expect(workflowChannelRefusal(member(rules), { id: 'sdxl', title: 'SDXL' })).toBeNull();
  });

  it('age-restricted words: refused outside age-restricted channels in the prompt or the negative, naming the word', () => {
    const rules = { nsfwWords: ['gore', 'blood bath'] };
    expect(nsfwWordRefusal(member(rules), { prompt: 'a cat' })).toBeNull();
    expect(nsfwWordRefusal(member(rules), { prompt: 'a Blood Bath scene' })?.message).toContain('“blood bath”');
    expect(nsfwWordRefusal(member(rules), { prompt: 'x', negative: 'gore' })?.message).toContain('Your negative');
    expect(nsfwWordRefusal(member(rules, { channelNsfw: true }), { prompt: 'gore' })).toBeNull();
    expect(resultsAsSpoiler({ spoilerOutsideNsfw: true }, false)).toBe(true);
    expect(resultsAsSpoiler({ spoilerOutsideNsfw: true }, true)).toBe(false);
    expect(resultsAsSpoiler({}, false)).toBe(false);
  });
});

describe('shares', () => {
  const shares = [
    { roleId: GUILD, dailyMinutes: 10 },
    { roleId: ART, weight: 2, dailyMinutes: 60 },
    { roleId: OTHER, dailyMinutes: null },
  ];
  it('the highest weight and quota among the roles held apply; @everyone is the server id; a null quota is unlimited', () => {
    expect(shareWeightOf(shares, heldRoles(GUILD, []))).toBe(1);
    expect(shareWeightOf(shares, heldRoles(GUILD, [ART]))).toBe(2);
    expect(dailyQuotaOf(shares, heldRoles(GUILD, []))).toBe(10);
    expect(dailyQuotaOf(shares, heldRoles(GUILD, [ART]))).toBe(60);
    expect(dailyQuotaOf(shares, heldRoles(GUILD, [ART, OTHER]))).toBeNull();
    expect(dailyQuotaOf([], heldRoles(GUILD, [ART]))).toBeNull();
  });
});
