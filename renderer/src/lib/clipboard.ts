/**
 * Copy text: the async Clipboard API where it is allowed, else a selected hidden textarea and the copy command
 * (the desktop shell denies permission requests, and plain-HTTP pages on another host have no Clipboard API).
 */
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    // fall through to the selection copy
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('Copying is not allowed here: select the text and press Ctrl+C.');
}
