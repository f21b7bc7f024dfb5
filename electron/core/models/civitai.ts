/**
 * A CivitAI model page without a version (`https://civitai.com/models/<id>/<name>`): its newest version's file
 * is found through CivitAI's public API (`GET /api/v1/models/<id>`), with the SHA-256 CivitAI publishes for it.
 */
import { z } from 'zod';
import type { Dispatcher } from 'undici';
import { DownloadError, networkError, statusError } from './download-errors';
import type { ServiceHosts } from './hosts';
import type { DownloadTimeouts } from './http-get';

const ModelSchema = z.looseObject({
  modelVersions: z
    .array(
      z.looseObject({
        downloadUrl: z.url().optional(),
        files: z
          .array(
            z.looseObject({
              downloadUrl: z.url(),
              primary: z.boolean().optional(),
              hashes: z
                .looseObject({
                  SHA256: z
                    .string()
                    .regex(/^[0-9a-fA-F]{64}$/)
                    .optional(),
                })
                .optional(),
            }),
          )
          .default([]),
      }),
    )
    .min(1),
});

export interface CivitaiFile {
  url: string;
  sha256: string | null;
}

export async function civitaiModelFile(
  model: { origin: string; id: number },
  o: { dispatcher: Dispatcher; timeouts: DownloadTimeouts; token: string | null; hosts: ServiceHosts; dir: string },
): Promise<CivitaiFile> {
  const url = new URL(`/api/v1/models/${model.id}`, model.origin);
  let status: number;
  let text: string;
  try {
    const res = await o.dispatcher.request({
      origin: url.origin,
      path: url.pathname,
      method: 'GET',
      headers: { accept: 'application/json', ...(o.token ? { authorization: `Bearer ${o.token}` } : {}) },
      headersTimeout: o.timeouts.headersMs,
      bodyTimeout: o.timeouts.bodyMs,
    });
    status = res.statusCode;
    text = await res.body.text();
  } catch (err) {
    throw networkError(err, url);
  }
  if (status !== 200) throw statusError(status, url, { hosts: o.hosts, tokenSent: o.token !== null, dir: o.dir });
  let parsed: z.infer<typeof ModelSchema>;
  try {
    parsed = ModelSchema.parse(JSON.parse(text));
  } catch {
    throw new DownloadError(
      'http',
      `CivitAI did not describe model ${model.id} as expected. Open its page, choose a version and copy that version's download link.`,
    );
  }
  const version = parsed.modelVersions[0]!;
  const file = version.files.find((f) => f.primary) ?? version.files[0];
  const downloadUrl = file?.downloadUrl ?? version.downloadUrl;
  if (!downloadUrl) {
    throw new DownloadError(
      'not-found',
      `CivitAI lists no file for model ${model.id}. Choose a version on its page and copy that link.`,
    );
  }
  return { url: downloadUrl, sha256: file?.hashes?.SHA256?.toLowerCase() ?? null };
}
