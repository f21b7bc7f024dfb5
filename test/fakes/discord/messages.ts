/**
 * Creating and editing stored messages from REST bodies, shared by channel routes, interaction callbacks and
 * interaction webhooks. Uploaded files become attachments served by the fake CDN.
 */
import type { FakeContext } from './context';
import { checkMessage, messageBodySchema, parseBody, type MessageBody } from './limits';
import type { FakeAttachment, FakeMessage } from './model';
import type { RecordedFile } from './recorder';
import { apiMessage } from './serialize';

export const MessageFlag = {
  Ephemeral: 1 << 6,
  Loading: 1 << 7,
  SuppressEmbeds: 1 << 2,
  IsComponentsV2: 1 << 15,
} as const;

export interface CreateMessageInput {
  channelId: string;
  authorId: string;
  json: unknown;
  files: RecordedFile[];
  uploadLimit: number;
  webhookId?: string | null;
  interaction?: FakeMessage['interaction'];
  /** MessageType: 0 DEFAULT, 19 REPLY, 20 CHAT_INPUT_COMMAND, 23 CONTEXT_MENU_COMMAND. */
  type?: number;
  /** Flags forced by the caller (e.g. LOADING for a deferral). */
  extraFlags?: number;
  /** Skip the "empty message" rule (deferred loading messages). */
  allowEmpty?: boolean;
}

export function parseMessageBody(json: unknown): MessageBody {
  return parseBody(messageBodySchema, json);
}

export function createMessage(ctx: FakeContext, input: CreateMessageInput): FakeMessage {
  const body = parseMessageBody(input.json);
  checkMessage(body, { create: !input.allowEmpty, files: input.files, uploadLimit: input.uploadLimit });
  const channel = ctx.state.channels.get(input.channelId);
  const id = ctx.state.ids.next();
  const message: FakeMessage = {
    id,
    channelId: input.channelId,
    guildId: channel?.guildId ?? null,
    authorId: input.authorId,
    content: body.content ?? '',
    embeds: (body.embeds ?? []).map((e) => ({ type: 'rich', ...e })),
    components: body.components ?? [],
    attachments: attachmentsFrom(ctx, input.channelId, body, input.files, []),
    flags: (body.flags ?? 0) | (input.extraFlags ?? 0),
    type: input.type ?? 0,
    timestamp: ctx.clock.now(),
    editedTimestamp: null,
    webhookId: input.webhookId ?? null,
    applicationId: input.webhookId ? ctx.state.app.id : null,
    interaction: input.interaction ?? null,
    editCount: 0,
  };
  ctx.state.messages.set(id, message);
  if (channel) channel.lastMessageId = id;
  return message;
}

/** Apply an edit body. Omitted fields stay; `attachments` lists the ones to keep (API v10, §4.1). */
export function editMessage(
  ctx: FakeContext,
  message: FakeMessage,
  json: unknown,
  files: RecordedFile[],
  uploadLimit: number,
): FakeMessage {
  const body = parseMessageBody(json);
  checkMessage(body, { create: false, files, uploadLimit });
  if (body.content !== undefined) message.content = body.content ?? '';
  if (body.embeds !== undefined) message.embeds = (body.embeds ?? []).map((e) => ({ type: 'rich', ...e }));
  if (body.components !== undefined) message.components = body.components ?? [];
  if (body.attachments !== undefined || files.length > 0) {
    message.attachments = attachmentsFrom(ctx, message.channelId, body, files, message.attachments);
  }
  if (body.flags !== undefined && body.flags !== null) {
    // Only SUPPRESS_EMBEDS and IS_COMPONENTS_V2 can change; ephemeral never changes (discord-facts.md §1.4).
    const changeable = MessageFlag.SuppressEmbeds | MessageFlag.IsComponentsV2;
    message.flags = (message.flags & ~changeable) | (body.flags & changeable);
  }
  message.flags &= ~MessageFlag.Loading;
  message.editedTimestamp = ctx.clock.now();
  message.editCount += 1;
  return message;
}

function attachmentsFrom(
  ctx: FakeContext,
  channelId: string,
  body: MessageBody,
  files: RecordedFile[],
  existing: FakeAttachment[],
): FakeAttachment[] {
  const listed = body.attachments ?? null;
  const kept = listed === null ? existing : existing.filter((a) => listed.some((l) => String(l.id) === a.id));
  const added = files.map((file, index) => {
    const n = /^files\[(\d+)\]$/.exec(file.field)?.[1] ?? String(index);
    const meta = listed?.find((l) => String(l.id) === n);
    return storeFile(ctx, channelId, file.filename, file.bytes, file.contentType, meta?.description, false);
  });
  return [...kept, ...added];
}

/** Put bytes on the fake CDN and return the attachment object (signed URL with ex/is/hm, §2.2). */
export function storeFile(
  ctx: FakeContext,
  channelId: string,
  filename: string,
  bytes: Buffer,
  contentType: string,
  description: string | undefined,
  ephemeral: boolean,
): FakeAttachment {
  const id = ctx.state.ids.next();
  const now = ctx.clock.now();
  const expiresAt = now + ctx.settings.cdnUrlLifetimeMs;
  const prefix = ephemeral ? 'ephemeral-attachments' : 'attachments';
  const path = `/${prefix}/${channelId}/${id}/${encodeURIComponent(filename)}`;
  ctx.state.cdn.set(path, { bytes, contentType, expiresAt });
  const sig = `ex=${Math.floor(expiresAt / 1000).toString(16)}&is=${Math.floor(now / 1000).toString(16)}&hm=${id.slice(-8)}&`;
  const attachment: FakeAttachment = {
    id,
    filename,
    size: bytes.length,
    url: `${ctx.baseUrl()}${path}?${sig}`,
    proxy_url: `${ctx.baseUrl()}${path}?${sig}`,
    content_type: contentType,
  };
  const dims = pngSize(bytes);
  if (dims) {
    attachment.width = dims.width;
    attachment.height = dims.height;
  }
  if (ephemeral) attachment.ephemeral = true;
  if (description !== undefined) attachment.description = description;
  return attachment;
}

function pngSize(bytes: Buffer): { width: number; height: number } | null {
  const sig = '89504e470d0a1a0a';
  if (bytes.length < 24 || bytes.subarray(0, 8).toString('hex') !== sig) return null;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

export function messageJson(ctx: FakeContext, message: FakeMessage): Record<string, unknown> {
  return apiMessage(ctx.state, message);
}
