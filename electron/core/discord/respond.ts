/**
 * Answers to users: every refusal and error is ephemeral and says what to do. Works whatever state the
 * interaction is in (not yet answered, deferred publicly, deferred ephemerally, already replied).
 */
import { MessageFlags, type RepliableInteraction } from 'discord.js';
import { ApiError } from '@shared/api';
import { errorEmbed, infoEmbed, type EmbedField, type EmbedView } from '@shared/embeds';
import type { Logger } from '../log';
import { AttachmentError } from './attachments';
import { toApiEmbed } from './render';

export interface UserError {
  title: string;
  message: string;
  hint?: string;
}

/** A refusal the user can fix; thrown by handlers and answered ephemerally. */
export class Refusal extends Error {
  override readonly name = 'Refusal';
  constructor(
    readonly title: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** Headings (and hints) for refusals the core sent without its own. */
const CODE_WORDING: Record<Exclude<ApiError['code'], 'internal'>, { title: string; hint?: string }> = {
  bad_request: { title: 'Invalid option', hint: 'Fix that option and run the command again.' },
  unauthorized: { title: 'Not allowed' },
  forbidden: { title: 'Not allowed' },
  not_found: { title: 'Not found', hint: 'Check the id with /history list.' },
  conflict: { title: 'Not possible now' },
  limit: { title: 'Queue full', hint: 'Wait until one of your jobs finishes, or cancel one with /queue cancel.' },
  unavailable: {
    title: 'ComfyUI is offline',
    hint: 'Ask the desktop owner to start ComfyUI (/status shows it).',
  },
};

export function explainError(err: unknown, logger?: Logger): UserError {
  if (err instanceof Refusal)
    return { title: err.title, message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
  if (err instanceof AttachmentError)
    return { title: 'Image refused', message: err.message, hint: 'Attach a PNG, JPEG or WebP image of at most 25 MB.' };
  if (err instanceof ApiError && err.code !== 'internal') {
    const fallback = CODE_WORDING[err.code];
    const hint = err.hint ?? fallback.hint;
    return { title: err.title ?? fallback.title, message: err.message, ...(hint ? { hint } : {}) };
  }
  logger?.error('discord interaction failed', { error: err });
  return {
    title: 'Something went wrong',
    message: 'ComfyDesk could not finish this request.',
    hint: 'Try again. If it keeps happening, tell the desktop owner (the details are in ComfyDesk’s log).',
  };
}

/** Send an ephemeral answer, whatever was already sent for this interaction. */
export async function replyEphemeral(i: RepliableInteraction, embed: EmbedView, logger?: Logger): Promise<void> {
  const payload = { embeds: [toApiEmbed(embed)], flags: MessageFlags.Ephemeral as const };
  try {
    if (!i.deferred && !i.replied) {
      await i.reply(payload);
    } else if (i.deferred && !i.replied && i.ephemeral) {
      await i.editReply({ embeds: payload.embeds });
    } else if (i.deferred && !i.replied) {
      // Deferred publicly: drop the "thinking" message so the error is seen only by the user.
      await i.deleteReply().catch(() => undefined);
      await i.followUp(payload);
    } else {
      await i.followUp(payload);
    }
  } catch (err) {
    logger?.warn('could not answer an interaction', { error: err instanceof Error ? err.message : String(err) });
  }
}

export function replyError(i: RepliableInteraction, err: unknown, logger?: Logger): Promise<void> {
  const e = explainError(err, logger);
  return replyEphemeral(
    i,
    errorEmbed({ title: e.title, message: e.message, ...(e.hint ? { hint: e.hint } : {}) }),
    logger,
  );
}

export function replyInfo(
  i: RepliableInteraction,
  title: string,
  description: string,
  fields: EmbedField[] = [],
  logger?: Logger,
): Promise<void> {
  return replyEphemeral(i, infoEmbed(title, description, fields), logger);
}
