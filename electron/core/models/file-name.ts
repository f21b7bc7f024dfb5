/**
 * The name a downloaded file gets: the host's `Content-Disposition` (RFC 6266, `filename*` in RFC 8187 form
 * preferred over `filename`), else the last part of the link's path; always one safe file name, never a path.
 */

/** The parameters of a Content-Disposition value, names lower-cased (quoted strings unescaped). */
function dispositionParams(value: string): Map<string, string> {
  const params = new Map<string, string>();
  const re = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  for (let m = re.exec(value); m; m = re.exec(value)) {
    const name = m[1]!.toLowerCase();
    const raw = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!.trim();
    if (!params.has(name)) params.set(name, raw);
  }
  return params;
}

/** `UTF-8''na%C3%AFve.safetensors` → `naïve.safetensors` (RFC 8187 ext-value); null when malformed. */
function decodeExtValue(value: string): string | null {
  const m = /^([A-Za-z0-9!#$&+.^_`|~-]+)'[^']*'(.*)$/.exec(value.trim());
  if (!m) return null;
  const charset = m[1]!.toLowerCase();
  try {
    if (charset === 'utf-8') return decodeURIComponent(m[2]!);
    if (charset === 'iso-8859-1') {
      return m[2]!.replace(/%([0-9A-Fa-f]{2})/g, (_s, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    }
  } catch {
    return null;
  }
  return null;
}

/** The file name a Content-Disposition header gives, or null. */
export function nameFromDisposition(header: string | undefined): string | null {
  if (!header) return null;
  // The disposition type comes first (`attachment`, `inline`); some hosts leave it out.
  const params = dispositionParams(`;${header}`);
  const extended = params.get('filename*');
  const decoded = extended !== undefined ? decodeExtValue(extended) : null;
  return safeFileName(decoded ?? params.get('filename') ?? '');
}

/** The last segment of a link's path, decoded, or null. */
export function nameFromUrl(url: URL): string | null {
  const last = url.pathname.split('/').filter(Boolean).pop();
  if (!last) return null;
  try {
    return safeFileName(decodeURIComponent(last));
  } catch {
    return safeFileName(last);
  }
}

const hasExtension = (name: string): boolean => /\.[A-Za-z0-9]{1,16}$/.test(name);

/**
 * The name for a downloaded link: the host's Content-Disposition, else the asked link's path when it looks like a
 * file name, else the answering address's path (a CDN's), else the asked link's.
 */
export function chooseFileName(disposition: string | undefined, asked: URL, answered: URL): string | null {
  const fromHeader = nameFromDisposition(disposition);
  if (fromHeader) return fromHeader;
  const fromAsked = nameFromUrl(asked);
  if (fromAsked && hasExtension(fromAsked)) return fromAsked;
  const fromAnswered = nameFromUrl(answered);
  if (fromAnswered && hasExtension(fromAnswered)) return fromAnswered;
  return fromAsked;
}

const MAX_NAME_BYTES = 255;

/**
 * One file name that is safe on Windows, macOS and Linux: no folders (only the last part of a path is kept), no
 * control characters or `<>:"|?*`, no leading dots or trailing dots and blanks, at most 255 bytes; null when
 * nothing usable is left.
 */
export function safeFileName(name: string): string | null {
  const base = name.split(/[/\\]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  let clean = base.replace(/[\u0000-\u001f\u007f]/g, '').replace(/[<>:"|?*]/g, '_');
  clean = clean.replace(/^[.\s]+/, '').replace(/[.\s]+$/, '');
  if (!clean) return null;
  if (/^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i.test(clean)) clean = `_${clean}`;
  if (Buffer.byteLength(clean) > MAX_NAME_BYTES) {
    // Shorten the stem, keep the extension.
    const dot = clean.lastIndexOf('.');
    const ext = dot > 0 && clean.length - dot <= 17 ? clean.slice(dot) : '';
    let stem = clean.slice(0, clean.length - ext.length);
    while (stem.length > 1 && Buffer.byteLength(stem + ext) > MAX_NAME_BYTES) stem = stem.slice(0, -1);
    clean = stem + ext;
  }
  return clean;
}

/** Extensions ComfyUI lists in its model folders (`supported_pt_extensions`), plus GGUF (custom nodes). */
const LISTED_EXTENSIONS = ['.safetensors', '.ckpt', '.pt', '.pt2', '.pth', '.bin', '.pkl', '.sft', '.gguf'];

/** A note when ComfyUI will not list a file of this name. */
export function extensionNote(name: string): string | null {
  const lower = name.toLowerCase();
  if (LISTED_EXTENSIONS.some((ext) => lower.endsWith(ext))) return null;
  return (
    `ComfyUI lists only ${LISTED_EXTENSIONS.slice(0, -1).join(', ')} files (and .gguf with the GGUF custom nodes) in ` +
    `its model folders: ${name} will not show there. Unpack or rename it if it holds a model.`
  );
}
