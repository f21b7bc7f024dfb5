/**
 * GET /view (streamed) and POST /upload/image (multipart) as server.py serves them (comfyui-api.md
 * section 1, "GET /view", "POST /upload/image").
 */
import { createReadStream } from 'node:fs';
import type { ServerResponse } from 'node:http';
import sharp from 'sharp';
import type { FakeContext } from './context';
import { isFolderType } from './files';
import { mimeFor, parseMultipart, sendJson, sendServerError, sendText } from './http-util';

export async function getView(ctx: FakeContext, res: ServerResponse, query: URLSearchParams): Promise<void> {
  const found = ctx.store.resolveView(query.get('filename'), query.get('type'), query.get('subfolder'));
  if (!found.ok) {
    const text = found.status === 404 ? '404: Not Found' : found.status === 403 ? '403: Forbidden' : '400: Bad Request';
    return sendText(res, found.status, text);
  }
  const disposition = `filename="${found.filename}"`;
  const preview = query.get('preview');
  const channel = query.get('channel') ?? 'rgba';
  if (preview || channel !== 'rgba') {
    // Re-encoded answers: `preview=<webp|jpeg>;<quality>`, `channel=rgb|a` (PNG).
    let img = sharp(found.path);
    let type = 'image/png';
    if (channel === 'rgb') img = img.removeAlpha();
    if (channel === 'a') {
      const meta = await img.metadata();
      img = meta.hasAlpha ? img.extractChannel('alpha') : img.removeAlpha().linear(0, 255).extractChannel(0);
    }
    if (preview) {
      const [fmt, q] = preview.split(';');
      const quality = Number.parseInt(q ?? '90', 10) || 90;
      // webp unless jpeg was asked for; an explicit channel containing "a" forces webp.
      const webp = fmt !== 'jpeg' || (query.get('channel') ?? '').includes('a');
      img = webp ? img.webp({ quality }) : img.jpeg({ quality });
      type = webp ? 'image/webp' : 'image/jpeg';
    } else {
      img = img.png();
    }
    const bytes = await img.toBuffer();
    res.writeHead(200, { 'Content-Type': type, 'Content-Disposition': disposition, 'Content-Length': bytes.length });
    res.end(bytes);
    return;
  }
  res.writeHead(200, { 'Content-Type': mimeFor(found.filename), 'Content-Disposition': disposition });
  const stream = createReadStream(found.path);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

export async function postUploadImage(
  ctx: FakeContext,
  res: ServerResponse,
  body: Buffer,
  contentType: string,
): Promise<void> {
  const fields = await parseMultipart(body, contentType);
  const image = fields?.get('image');
  if (!fields || !image || typeof image === 'string' || !image.filename) return sendText(res, 400, '400: Bad Request');
  const overwriteRaw = fields.get('overwrite');
  const overwrite = overwriteRaw === 'true' || overwriteRaw === '1';
  const typeRaw = fields.get('type');
  const type = typeof typeRaw === 'string' && typeRaw !== '' ? typeRaw : 'input';
  // Any other type makes the real handler crash: 500.
  if (!isFolderType(type)) return sendServerError(res);
  const subRaw = fields.get('subfolder');
  const subfolder = typeof subRaw === 'string' ? subRaw : '';
  const saved = ctx.store.upload(image.bytes, image.filename, type, subfolder, overwrite);
  if (!saved.ok) return sendText(res, 400, '400: Bad Request');
  ctx.record.uploads.push({
    requestedName: image.filename,
    name: saved.name,
    subfolder: saved.subfolder,
    type: saved.type,
    overwrite,
    bytes: image.bytes.length,
  });
  sendJson(res, 200, { name: saved.name, subfolder: saved.subfolder, type: saved.type });
}
