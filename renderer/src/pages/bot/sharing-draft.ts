/** A server's sharing rules as the form edits them (text as typed) and back as its settings. */
import type { BotGuild } from '@shared/api/bot';
import type { GuildSettings } from '@shared/guilds';
import type { RoleShare } from '@shared/sharing';

export interface SharingDraft {
  shares: Record<string, { weight: string; minutes: string }>;
  timeZone: string;
  channels: string[];
  /** Workflow id → the only channels it runs in. */
  workflowChannels: Record<string, string[]>;
  nsfwWords: string;
  spoiler: boolean;
}

export function sharingDraft(guild: BotGuild): SharingDraft {
  const shares: SharingDraft['shares'] = {};
  for (const s of guild.settings.shares ?? []) {
    shares[s.roleId] = {
      weight: s.weight === undefined ? '' : String(s.weight),
      minutes: s.dailyMinutes === undefined || s.dailyMinutes === null ? '' : String(s.dailyMinutes),
    };
  }
  const rules = guild.settings.channelRules ?? {};
  return {
    shares,
    timeZone: guild.settings.timeZone ?? '',
    channels: rules.channels ?? [],
    workflowChannels: rules.workflowChannels ?? {},
    nsfwWords: (rules.nsfwWords ?? []).join(', '),
    spoiler: rules.spoilerOutsideNsfw ?? false,
  };
}

/** The draft as the server's settings (the other settings kept). */
export function sharingSettings(guild: BotGuild, d: SharingDraft): Partial<GuildSettings> {
  const shares: RoleShare[] = Object.entries(d.shares).flatMap(([roleId, v]) => {
    const share: RoleShare = { roleId };
    if (v.weight.trim() !== '') share.weight = Number(v.weight);
    if (v.minutes.trim() !== '') share.dailyMinutes = Number(v.minutes);
    return share.weight === undefined && share.dailyMinutes === undefined ? [] : [share];
  });
  const words = d.nsfwWords
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean);
  return {
    shares,
    ...(d.timeZone.trim() ? { timeZone: d.timeZone.trim() } : {}),
    channelRules: {
      ...guild.settings.channelRules,
      channels: d.channels,
      workflowChannels: d.workflowChannels,
      nsfwWords: words,
      spoilerOutsideNsfw: d.spoiler,
    },
  };
}
