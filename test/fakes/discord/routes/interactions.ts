/**
 * Interaction response routes (discord-facts.md §1.3):
 *   POST /interactions/{id}/{token}/callback                   (types 1,4,5,6,7,8,9; ?with_response)
 *   GET|PATCH|DELETE /webhooks/{app}/{token}/messages/@original
 *   POST /webhooks/{app}/{token}                                 (follow-up; `wait` is always true)
 *   GET|PATCH|DELETE /webhooks/{app}/{token}/messages/{id}       (follow-ups)
 * Rules: 3 s first-response deadline -> 404/10062; second callback -> 400/40060; token older than 15 min ->
 * 401/50027 on every webhook route (§1.2). None of these routes need the bot token (discord.js sends auth:false).
 */
import { z } from 'zod';
import type { FakeContext } from '../context';
import {
  Codes,
  FormErrors,
  alreadyAcknowledged,
  discordError,
  invalidWebhookToken,
  unknownInteraction,
  unknownMessage,
  unknownWebhook,
} from '../errors';
import type { InteractionRecord } from '../interaction-store';
import { checkAutocomplete, checkModal, parseBody } from '../limits';
import { MessageFlag, createMessage, editMessage, messageJson } from '../messages';
import type { FakeMessage } from '../model';
import type { RouteContext, RouteDef, RouteResult } from '../router';

/** InteractionResponseType (discord-api-types `payloads/v10/_interactions/responses.ts`). */
export const CallbackType = {
  Pong: 1,
  ChannelMessageWithSource: 4,
  DeferredChannelMessageWithSource: 5,
  DeferredMessageUpdate: 6,
  UpdateMessage: 7,
  ApplicationCommandAutocompleteResult: 8,
  Modal: 9,
} as const;

/** InteractionType. */
export const InteractionKind = {
  Ping: 1,
  ApplicationCommand: 2,
  MessageComponent: 3,
  Autocomplete: 4,
  ModalSubmit: 5,
} as const;

const callbackSchema = z.looseObject({ type: z.number().int(), data: z.unknown().optional() });

function invalidType(message: string): never {
  const errors = new FormErrors();
  errors.add(['type'], 'INTERACTION_RESPONSE_TYPE_INVALID', message);
  errors.throwIfAny();
  throw discordError(400, Codes.InvalidFormBody, message);
}

function allowed(record: InteractionRecord, type: number): void {
  const k = record.type;
  const fromMessage = record.sourceMessageId !== null;
  switch (type) {
    case CallbackType.Pong:
      if (k !== InteractionKind.Ping) invalidType('PONG is only valid for PING interactions.');
      return;
    case CallbackType.ChannelMessageWithSource:
    case CallbackType.DeferredChannelMessageWithSource:
      if (k === InteractionKind.Ping || k === InteractionKind.Autocomplete)
        invalidType('Invalid response type for this interaction.');
      return;
    case CallbackType.DeferredMessageUpdate:
    case CallbackType.UpdateMessage:
      // §1.1: components only (and modal submits opened from a message component).
      if (!(k === InteractionKind.MessageComponent || (k === InteractionKind.ModalSubmit && fromMessage))) {
        invalidType('This response type is only valid for message component interactions.');
      }
      return;
    case CallbackType.ApplicationCommandAutocompleteResult:
      if (k !== InteractionKind.Autocomplete)
        invalidType('Autocomplete results are only valid for autocomplete interactions.');
      return;
    case CallbackType.Modal:
      if (k === InteractionKind.ModalSubmit || k === InteractionKind.Ping || k === InteractionKind.Autocomplete) {
        invalidType('A modal cannot be shown in response to this interaction.');
      }
      return;
    default:
      invalidType(`Unsupported interaction response type ${type}.`);
  }
}

function dataObject(data: unknown): Record<string, unknown> {
  return data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
}

function callback(ctx: FakeContext, req: RouteContext): RouteResult {
  const record = ctx.interactions.get(req.params.interaction_id ?? '');
  if (!record || record.token !== req.params.interaction_token) throw unknownInteraction();
  if (record.callbackType !== null) throw alreadyAcknowledged();
  if (ctx.clock.now() - record.createdAt > ctx.settings.ackTimeoutMs) throw unknownInteraction();
  const body = parseBody(callbackSchema, req.json);
  allowed(record, body.type);
  const data = dataObject(body.data);
  let message: FakeMessage | undefined;
  const channelId = record.channelId ?? '';
  const metadata = { id: record.id, type: record.type, userId: record.userId, name: record.commandName };
  const messageType = record.type === InteractionKind.ApplicationCommand ? 20 : 0;

  switch (body.type) {
    case CallbackType.ChannelMessageWithSource:
      message = createMessage(ctx, {
        channelId,
        authorId: ctx.state.app.botUserId,
        json: data,
        files: req.files,
        uploadLimit: record.attachmentSizeLimit,
        webhookId: ctx.state.app.id,
        interaction: metadata,
        type: messageType,
      });
      record.originalMessageId = message.id;
      break;
    case CallbackType.DeferredChannelMessageWithSource: {
      const flags = typeof data.flags === 'number' ? data.flags : 0;
      // §1.4: with type 5, EPHEMERAL is the only valid flag.
      if ((flags & ~MessageFlag.Ephemeral) !== 0) {
        const errors = new FormErrors();
        errors.add(
          ['data', 'flags'],
          'INTERACTION_RESPONSE_FLAGS_INVALID',
          'Only the EPHEMERAL flag is allowed for deferred responses.',
        );
        errors.throwIfAny();
      }
      message = createMessage(ctx, {
        channelId,
        authorId: ctx.state.app.botUserId,
        json: { flags },
        files: [],
        uploadLimit: record.attachmentSizeLimit,
        webhookId: ctx.state.app.id,
        interaction: metadata,
        type: messageType,
        extraFlags: MessageFlag.Loading,
        allowEmpty: true,
      });
      record.originalMessageId = message.id;
      record.loading = true;
      break;
    }
    case CallbackType.DeferredMessageUpdate:
    case CallbackType.UpdateMessage: {
      const source = record.sourceMessageId ? ctx.state.messages.get(record.sourceMessageId) : undefined;
      if (!source) throw unknownMessage();
      if (body.type === CallbackType.UpdateMessage)
        editMessage(ctx, source, data, req.files, record.attachmentSizeLimit);
      message = source;
      record.originalMessageId = source.id;
      break;
    }
    case CallbackType.ApplicationCommandAutocompleteResult:
      checkAutocomplete(data);
      break;
    case CallbackType.Modal:
      checkModal(data);
      break;
    default:
      break;
  }
  record.callbackType = body.type;
  record.acknowledgedAt = ctx.clock.now();

  if (req.query.with_response !== 'true') return { status: 204 };
  const interaction: Record<string, unknown> = { id: record.id, type: record.type };
  if (message) {
    interaction.response_message_id = message.id;
    interaction.response_message_loading = (message.flags & MessageFlag.Loading) !== 0;
    interaction.response_message_ephemeral = (message.flags & MessageFlag.Ephemeral) !== 0;
  }
  const resource: Record<string, unknown> = { type: body.type };
  if (message) resource.message = messageJson(ctx, message);
  return { status: 200, body: { interaction, resource } };
}

/** Resolve `/webhooks/{app}/{token}` to its interaction, applying the 15-minute rule. */
function resolveToken(ctx: FakeContext, params: Record<string, string>): InteractionRecord {
  if (params.application_id !== ctx.state.app.id) throw unknownWebhook();
  const record = ctx.interactions.withToken(params.interaction_token ?? '');
  if (!record) throw invalidWebhookToken();
  if (ctx.clock.now() - record.createdAt > ctx.settings.tokenLifetimeMs) throw invalidWebhookToken();
  return record;
}

function resolveMessage(ctx: FakeContext, record: InteractionRecord, ref: string): FakeMessage {
  const id = ref === '@original' ? record.originalMessageId : ref;
  const owned = id !== null && (id === record.originalMessageId || record.followupIds.includes(id));
  const message = id && owned ? ctx.state.messages.get(id) : undefined;
  if (!message) throw unknownMessage();
  return message;
}

export function interactionRoutes(ctx: FakeContext): RouteDef[] {
  const webhookEditKey = (p: Record<string, string>): string => `webhook:${p.interaction_token ?? ''}`;
  const base = '/webhooks/:application_id/:interaction_token';
  return [
    {
      method: 'POST',
      pattern: '/interactions/:interaction_id/:interaction_token/callback',
      auth: 'none',
      handler: (req) => callback(ctx, req),
    },
    {
      method: 'GET',
      pattern: `${base}/messages/:message_id`,
      auth: 'none',
      handler: (req) => {
        const record = resolveToken(ctx, req.params);
        return { status: 200, body: messageJson(ctx, resolveMessage(ctx, record, req.params.message_id ?? '')) };
      },
    },
    {
      method: 'PATCH',
      pattern: `${base}/messages/:message_id`,
      auth: 'none',
      editKey: webhookEditKey,
      handler: (req) => {
        const record = resolveToken(ctx, req.params);
        const message = resolveMessage(ctx, record, req.params.message_id ?? '');
        editMessage(ctx, message, req.json, req.files, record.attachmentSizeLimit);
        if (message.id === record.originalMessageId) record.loading = false;
        return { status: 200, body: messageJson(ctx, message) };
      },
    },
    {
      method: 'DELETE',
      pattern: `${base}/messages/:message_id`,
      auth: 'none',
      handler: (req) => {
        const record = resolveToken(ctx, req.params);
        const message = resolveMessage(ctx, record, req.params.message_id ?? '');
        ctx.state.messages.delete(message.id);
        if (message.id === record.originalMessageId) record.originalMessageId = null;
        record.followupIds = record.followupIds.filter((id) => id !== message.id);
        return { status: 204 };
      },
    },
    {
      method: 'POST',
      pattern: base,
      auth: 'none',
      handler: (req) => {
        const record = resolveToken(ctx, req.params);
        // The interaction webhook only exists once the interaction has been answered.
        if (record.callbackType === null) throw unknownWebhook();
        const original = record.originalMessageId ? ctx.state.messages.get(record.originalMessageId) : undefined;
        if (record.loading && original) {
          // §1.3 "deprecated behaviour": a follow-up right after a type-5 deferral edits the loading message,
          // and the ephemeral flag passed with it is ignored.
          editMessage(ctx, original, req.json, req.files, record.attachmentSizeLimit);
          record.loading = false;
          return { status: 200, body: messageJson(ctx, original) };
        }
        const message = createMessage(ctx, {
          channelId: record.channelId ?? '',
          authorId: ctx.state.app.botUserId,
          json: req.json,
          files: req.files,
          uploadLimit: record.attachmentSizeLimit,
          webhookId: ctx.state.app.id,
          interaction: { id: record.id, type: record.type, userId: record.userId, name: record.commandName },
          type: 0,
        });
        record.followupIds.push(message.id);
        return { status: 200, body: messageJson(ctx, message) };
      },
    },
  ];
}
