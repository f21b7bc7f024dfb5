/**
 * Downloads from the library: one file as itself, several as one ZIP built in the page (client-zip streams the
 * files in as they arrive; nothing is re-compressed, pictures are compressed already).
 */
import type { Output } from '@shared/library';
import { mediaUrl } from '../api/media';
import { fileName, uniqueNames } from './file-names';

function save(href: string, name: string): void {
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** Save one output's file. */
export function downloadOne(output: Output): void {
  save(mediaUrl('file', output.id), fileName(output));
}

/** Save outputs as `comfydesk-<n>-outputs.zip`; throws a readable error when a file cannot be read. */
export async function downloadMany(outputs: readonly Output[]): Promise<void> {
  if (outputs.length === 1) return downloadOne(outputs[0]!);
  const names = uniqueNames(outputs.map(fileName));
  async function* files() {
    for (const [i, o] of outputs.entries()) {
      const res = await fetch(mediaUrl('file', o.id));
      if (!res.ok) throw new Error(`Could not read ${names[i]} (${res.status}).`);
      yield { input: res, name: names[i]!, lastModified: new Date(o.createdAt) };
    }
  }
  // The ZIP writer loads on the first bulk download.
  const { downloadZip } = await import('client-zip');
  const blob = await downloadZip(files()).blob();
  const url = URL.createObjectURL(blob);
  try {
    save(url, `comfydesk-${outputs.length}-outputs.zip`);
  } finally {
    // The click has started the download; the URL can go once the browser took it.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
}
