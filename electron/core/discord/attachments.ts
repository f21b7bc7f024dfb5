/**
 * Image attachments given to /edit, /upscale and /animate: only images, at most 25 MB, checked from the
 * metadata Discord sent BEFORE anything is downloaded, fetched only from the Discord CDN URL of the
 * interaction (no redirects), with the size re-checked while reading.
 */
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

export const DISCORD_CDN_ORIGINS = ['https://cdn.discordapp.com', 'https://media.discordapp.net'] as const;

const IMAGE_EXTENSIONS = /\.(png|jpe?g|webp|gif|bmp|avif|jfif)$/i;

export interface AttachmentMeta {
  name: string;
  size: number;
  url: string;
  contentType: string | null;
}

/** Why this attachment is refused, or null. `option` is the Discord option name for the message. */
export function attachmentProblem(
  meta: AttachmentMeta,
  option: string,
  allowedOrigins: readonly string[],
): string | null {
  const type = meta.contentType?.split(';')[0]?.trim().toLowerCase() ?? null;
  const looksImage = type ? type.startsWith('image/') && type !== 'image/svg+xml' : IMAGE_EXTENSIONS.test(meta.name);
  if (!looksImage)
    return `\`${option}\` must be an image (PNG, JPEG, WebP or GIF); "${meta.name}" is ${type ?? 'not an image'}.`;
  if (!Number.isFinite(meta.size) || meta.size <= 0) return `\`${option}\` ("${meta.name}") is empty.`;
  if (meta.size > MAX_ATTACHMENT_BYTES) {
    return `\`${option}\` ("${meta.name}") is ${(meta.size / 1024 / 1024).toFixed(1)} MB; images can be at most 25 MB. Send a smaller image.`;
  }
  if (!isAllowedUrl(meta.url, allowedOrigins))
    return `\`${option}\` does not come from Discord's CDN, so it is not downloaded.`;
  return null;
}

export function isAllowedUrl(url: string, allowedOrigins: readonly string[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return allowedOrigins.some((origin) => {
    try {
      const o = new URL(origin);
      return (
        parsed.protocol === o.protocol &&
        parsed.host === o.host &&
        (o.pathname === '/' || parsed.pathname.startsWith(o.pathname))
      );
    } catch {
      return false;
    }
  });
}

/** Magic bytes of the image formats ComfyUI's LoadImage reads. */
export function sniffImage(bytes: Buffer): string | null {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 12 && bytes.toString('ascii', 0, 4) === 'RIFF' && bytes.toString('ascii', 8, 12) === 'WEBP')
    return 'webp';
  if (bytes.length >= 6 && bytes.toString('ascii', 0, 3) === 'GIF') return 'gif';
  if (bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d) return 'bmp';
  if (bytes.length >= 12 && bytes.toString('ascii', 4, 8) === 'ftyp' && /avi[fs]/.test(bytes.toString('ascii', 8, 12)))
    return 'avif';
  return null;
}

export class AttachmentError extends Error {
  override readonly name = 'AttachmentError';
}

/** Download an attachment already checked by `attachmentProblem`; never more than `maxBytes`. */
export async function downloadAttachment(
  meta: AttachmentMeta,
  option: string,
  maxBytes = MAX_ATTACHMENT_BYTES,
  timeoutMs = 30_000,
): Promise<Buffer> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const res = await fetch(meta.url, { redirect: 'error', signal: controller.signal });
    if (!res.ok || !res.body) {
      throw new AttachmentError(
        `\`${option}\` could not be downloaded from Discord (HTTP ${res.status}). Upload it again.`,
      );
    }
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > maxBytes) {
      await res.body.cancel();
      throw new AttachmentError(`\`${option}\` is larger than 25 MB.`);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        throw new AttachmentError(`\`${option}\` is larger than 25 MB.`);
      }
      chunks.push(Buffer.from(value));
    }
    const bytes = Buffer.concat(chunks);
    if (!sniffImage(bytes))
      throw new AttachmentError(`\`${option}\` ("${meta.name}") is not a readable image (PNG, JPEG, WebP or GIF).`);
    return bytes;
  } catch (err) {
    if (err instanceof AttachmentError) throw err;
    throw new AttachmentError(
      `\`${option}\` could not be downloaded from Discord (${err instanceof Error ? err.message : String(err)}). Upload it again.`,
    );
  } finally {
    clearTimeout(timer);
  }
}
