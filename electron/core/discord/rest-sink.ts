/** Progress edits through discord.js REST: the interaction webhook (no bot token) or the channel message. */
import { Routes, type Client } from 'discord.js';
import type { EditPayload, EditResult, ProgressSink, ProgressTarget } from './progress';

export class RestProgressSink implements ProgressSink {
  constructor(private readonly client: () => Client<true> | null) {}

  async edit(target: ProgressTarget, via: 'interaction' | 'channel', payload: EditPayload): Promise<EditResult> {
    const client = this.client();
    if (!client) throw new Error('the bot is offline');
    const body: Record<string, unknown> = { embeds: payload.embeds, components: payload.components };
    const files = payload.preview ? [{ name: payload.preview.name, data: payload.preview.data }] : [];
    if (payload.preview) body.attachments = [{ id: 0, filename: payload.preview.name }];
    else if (payload.clearAttachments) body.attachments = [];
    const route =
      via === 'interaction' && target.interactionToken
        ? Routes.webhookMessage(target.applicationId, target.interactionToken, '@original')
        : Routes.channelMessage(target.channelId ?? '', target.messageId);
    const res = (await client.rest.patch(route, { body, files, auth: via !== 'interaction' })) as {
      embeds?: Array<{ image?: { url?: string } }>;
    };
    return { imageUrl: res.embeds?.[0]?.image?.url ?? null };
  }
}
