/** Shared by /edit, /upscale and /animate: the attachment options of an interaction as job inputs. */
import type { Attachment, ChatInputCommandInteraction } from 'discord.js';
import type { AttachmentMeta } from '../attachments';

export function metaOf(a: Attachment): AttachmentMeta {
  return { name: a.name, size: a.size, url: a.url, contentType: a.contentType ?? null };
}

/** The given image options, in order, as slots 0.. (missing optional ones are skipped). */
export function imageAttachments(i: ChatInputCommandInteraction, options: readonly string[]): Array<{ slot: number; option: string; meta: AttachmentMeta }> {
  const out: Array<{ slot: number; option: string; meta: AttachmentMeta }> = [];
  for (const option of options) {
    const a = i.options.getAttachment(option);
    if (a) out.push({ slot: out.length, option, meta: metaOf(a) });
  }
  return out;
}
