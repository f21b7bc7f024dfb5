/** The words for ComfyUI's and the bot's state, one set for the sidebar, the drawer and the Bot page. */
export const COMFY_STATUS_LABEL: Record<string, string> = {
  online: 'Online',
  offline: 'Offline',
  starting: 'Starting…',
  none: 'Not set up',
};

export const BOT_STATUS_LABEL: Record<string, string> = {
  stopped: 'Stopped',
  starting: 'Connecting…',
  online: 'Online',
  reconnecting: 'Reconnecting…',
  error: 'Error',
  'no-token': 'No token',
};

/** The label of `status`, "…" while it is not known. */
export function statusLabel(labels: Record<string, string>, status: string | undefined): string {
  return status === undefined ? '…' : (labels[status] ?? status);
}
