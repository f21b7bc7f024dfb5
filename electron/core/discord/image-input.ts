/** Shared by /edit, /upscale and /animate: the attachment options of an interaction as job inputs. */
import type { Attachment, ChatInputCommandInteraction } from 'discord.js';
import type { AttachmentMeta } from './attachments';

export function metaOf(a: Attachment): AttachmentMeta {
  return { name: a.name, size: a.size, url: a.url, contentType: a.contentType ?? null };
}

/** The given image options, in order, as slots 0.. (missing optional ones are skipped). */
export function imageAttachments(
  i: ChatInputCommandInteraction,
  options: readonly string[],
): Array<{ slot: number; option: string; meta: AttachmentMeta }> {
  const out: Array<{ slot: number; option: string; meta: AttachmentMeta }> = [];
  for (const option of options) {
    const a = i.options.getAttachment(option);
    if (a) out.push({ slot: out.length, option, meta: metaOf(a) });
  }
  return out;
}

/**
 * Limit the file picker of every attachment option to images (`file_types`, added to Discord in August 2026; the
 * builders have no helper yet, so it is set on the JSON). Only the extension is checked by Discord: the bot still
 * checks the file.
 */
export function imagesOnly<T extends { options?: unknown[] }>(json: T): T {
  return {
    ...json,
    options: (json.options ?? []).map((o) =>
      (o as { type?: number }).type === 11 ? { ...(o as object), file_types: ['image'] } : o,
    ),
  };
}
