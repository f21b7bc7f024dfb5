/**
 * The hosts ComfyDesk knows by name (Hugging Face, CivitAI): which token each takes, that a token goes to its own
 * host only, what a refusal there means for the user, and pasted links turned into download links (a Hugging
 * Face file page into its `resolve` link, a CivitAI model page into its download link).
 */
import type { DownloadService } from '@shared/downloads';
import type { SecretName } from '@core/secrets';

/** Host names (`host[:port]`, lower case) of each service. Tests point them at the loopback doubles. */
export type ServiceHosts = Readonly<Record<DownloadService, readonly string[]>>;

export const DEFAULT_SERVICE_HOSTS: ServiceHosts = {
  huggingface: ['huggingface.co', 'hf.co'],
  civitai: ['civitai.com', 'www.civitai.com'],
};

export const SERVICE_SECRETS: Readonly<Record<DownloadService, SecretName>> = {
  huggingface: 'huggingfaceToken',
  civitai: 'civitaiToken',
};

export const SERVICE_NAMES: Readonly<Record<DownloadService, string>> = {
  huggingface: 'Hugging Face',
  civitai: 'CivitAI',
};

const TOKEN_PAGES: Readonly<Record<DownloadService, string>> = {
  huggingface: 'https://huggingface.co/settings/tokens',
  civitai: 'https://civitai.com/user/account',
};

export const SETTINGS_PLACE = 'Settings → Model downloads';

export function serviceOf(url: URL, hosts: ServiceHosts): DownloadService | null {
  const host = url.host.toLowerCase();
  for (const service of Object.keys(hosts) as DownloadService[]) {
    if (hosts[service].includes(host)) return service;
  }
  return null;
}

/** `https://huggingface.co/<org>/<repo>` for a file link of that repository (where its licence is accepted). */
export function huggingfaceRepoPage(url: URL): string | null {
  const m = /^\/([^/]+)\/([^/]+)\/(?:resolve|blob)\//.exec(url.pathname);
  return m ? `${url.origin}/${m[1]}/${m[2]}` : null;
}

/** What a 401/403 from a service means and how to fix it. */
export function tokenHelp(service: DownloadService, url: URL, tokenSent: boolean): string {
  if (service === 'huggingface') {
    const page = huggingfaceRepoPage(url) ?? url.origin;
    return tokenSent
      ? `Hugging Face refused your token for this file. Accept the licence on ${page} with the account the token belongs to ` +
          `(or create a new read token at ${TOKEN_PAGES.huggingface}), paste it in ${SETTINGS_PLACE}, then start the download again.`
      : `This file needs a Hugging Face token: accept the licence on ${page} with your account, create a read token at ` +
          `${TOKEN_PAGES.huggingface} and paste it in ${SETTINGS_PLACE}, then start the download again.`;
  }
  return tokenSent
    ? `CivitAI refused your API key for this file. Create a new key at ${TOKEN_PAGES.civitai} (API Keys), paste it in ` +
        `${SETTINGS_PLACE}, then start the download again.`
    : `This file needs a CivitAI API key: log in at civitai.com, create a key at ${TOKEN_PAGES.civitai} (API Keys) and ` +
        `paste it in ${SETTINGS_PLACE}, then start the download again.`;
}

export type NormalizedLink =
  | { ok: true; url: string }
  /** A CivitAI model page without a version: its newest version is asked for (`civitaiDownloadUrl`). */
  | { ok: true; url: null; civitaiModel: { origin: string; id: number } }
  | { ok: false; message: string };

const SECRET_PARAMS = ['token', 'api_key', 'apikey', 'access_token'];

/**
 * A pasted link as ComfyDesk downloads it. Links that carry a secret are refused (tokens belong in the settings,
 * not in a link that is stored and shown); file and model pages become their download links.
 */
export function normalizeLink(raw: string, hosts: ServiceHosts): NormalizedLink {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { ok: false, message: `"${raw}" is not a link. Paste a http(s) address, e.g. a Hugging Face file link.` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, message: `ComfyDesk downloads http(s) links only, not ${url.protocol} links.` };
  }
  if (url.username || url.password) {
    return { ok: false, message: 'The link holds a user name or password: remove it from the link and try again.' };
  }
  const secret = [...url.searchParams.keys()].find((k) => SECRET_PARAMS.includes(k.toLowerCase()));
  if (secret) {
    return {
      ok: false,
      message: `The link holds a token ("${secret}=…"). Remove it from the link and paste the token in ${SETTINGS_PLACE} instead: ComfyDesk sends it to its own site only.`,
    };
  }
  const service = serviceOf(url, hosts);
  if (service === 'huggingface') {
    // A file page (…/blob/<rev>/<path>) downloads from …/resolve/<rev>/<path>.
    url.pathname = url.pathname.replace(/^(\/[^/]+\/[^/]+)\/blob\//, '$1/resolve/');
  }
  if (service === 'civitai') {
    const page = /^\/models\/(\d+)(?:\/[^/]*)?\/?$/.exec(url.pathname);
    if (page) {
      const version = url.searchParams.get('modelVersionId');
      if (version && /^\d+$/.test(version)) return { ok: true, url: `${url.origin}/api/download/models/${version}` };
      return { ok: true, url: null, civitaiModel: { origin: url.origin, id: Number(page[1]) } };
    }
  }
  return { ok: true, url: url.toString() };
}
