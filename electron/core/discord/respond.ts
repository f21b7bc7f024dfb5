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

export function explainError(err: unknown, logger?: Logger): UserError {
  if (err instanceof Refusal)
    return { title: err.title, message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
  if (err instanceof AttachmentError)
    return { title: 'Image refused', message: err.message, hint: 'Attach a PNG, JPEG or WebP image of at most 25 MB.' };
  if (err instanceof ApiError) {
    switch (err.code) {
      case 'limit':
        return {
          title: 'Queue full',
          message: err.message,
          hint: 'Wait until one of your jobs finishes, or cancel one with /queue cancel.',
        };
      case 'bad_request':
        return { title: 'Invalid option', message: err.message, hint: 'Fix that option and run the command again.' };
      case 'unavailable':
        return {
          title: 'ComfyUI is offline',
          message: err.message,
          hint: 'Try again in a minute. If it stays offline, ask the desktop owner to start ComfyUI (/status shows it).',
        };
      case 'not_found':
        return { title: 'Not found', message: err.message, hint: 'Check the id with /history list.' };
      case 'conflict':
        return { title: 'Not possible now', message: err.message };
      default:
        break;
    }
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
