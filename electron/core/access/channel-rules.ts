/**
 * A server's channel rules, checked in the core for every Discord request: which channels the bot answers in,
 * which workflows run where, and words allowed only in channels Discord marks age-restricted. Each refusal says
 * where to go instead. Pure functions over the stored rules and the person's facts.
 */
import { refusal, type ApiError } from '@shared/api';
import { channelMentions, type ChannelRules } from '@shared/sharing';
import type { Person } from './person';
import { findBannedWord } from './prompt-rules';

const rulesOf = (person: Person): ChannelRules => person.guild?.settings.channelRules ?? {};

/**
 * The bot answers in some channels only: a member elsewhere is told where to go. Server admins and the owner's
 * linked account are answered everywhere (they set the rules); a DM acting in the server is not a channel of it.
 */
export function channelRefusal(person: Person): ApiError | null {
  const allowed = rulesOf(person).channels ?? [];
  if (person.kind !== 'discord' || !person.guildId || person.fromDm || allowed.length === 0) return null;
  if (person.level === 'admin' || person.linkedOwner) return null;
  if (person.channelId !== null && allowed.includes(person.channelId)) return null;
  return refusal(
    'forbidden',
    'Not in this channel',
    `ComfyDesk answers in ${channelMentions(allowed)} on this server.`,
    'Run the command in one of those channels.',
  );
}

/** A workflow limited to some channels, asked for elsewhere. */
export function workflowChannelRefusal(person: Person, workflow: { id: string; title: string }): ApiError | null {
  const only = rulesOf(person).workflowChannels?.[workflow.id];
  if (person.kind !== 'discord' || !person.guildId || !only || only.length === 0) return null;
  if (!person.fromDm && person.channelId !== null && only.includes(person.channelId)) return null;
  return refusal(
    'forbidden',
    'Not in this channel',
    `“${workflow.title}” runs only in ${channelMentions(only)} on this server.`,
    `Use it in ${only.length === 1 ? 'that channel' : 'one of those channels'}, or pick another workflow here.`,
  );
}

/** A word only age-restricted channels allow, in a prompt asked for anywhere else (named in the refusal). */
export function nsfwWordRefusal(person: Person, texts: { prompt?: string; negative?: string }): ApiError | null {
  const words = rulesOf(person).nsfwWords ?? [];
  if (person.kind !== 'discord' || !person.guildId || words.length === 0 || person.channelNsfw) return null;
  for (const [name, text] of [
    ['prompt', texts.prompt],
    ['negative', texts.negative],
  ] as const) {
    const word = text ? findBannedWord(text, words) : null;
    if (word) {
      return refusal(
        'forbidden',
        'Only in age-restricted channels',
        `Your ${name} contains “${word}”, which this server allows only in age-restricted channels.`,
        'Ask in a channel Discord marks age-restricted (NSFW), or rephrase.',
      );
    }
  }
  return null;
}
