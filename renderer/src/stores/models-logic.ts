/**
 * What the Models step, the Models page and the pickers show, as plain data: for each workflow, whether it can
 * run and, for each file it lacks, the catalogue entry (size, gated), its download, and the setting that picks
 * another file. Tested without a browser.
 */
import type { CatalogModel } from '@shared/api/models';
import type { WorkflowReadiness } from '@shared/api/workflows';
import type { DownloadProgress, DownloadView } from '@shared/downloads';
import type { WorkflowManifest } from '@shared/workflow-manifest';

export interface MissingFile {
  folder: string;
  file: string;
  /** The workflow's model setting that names this file (to pick another one instead). */
  setting: string | null;
  label: string;
  catalog: CatalogModel | null;
  /** The download fetching it now (or the last one that failed). */
  download: DownloadView | null;
}

export interface WorkflowNeeds {
  manifest: WorkflowManifest;
  state: WorkflowReadiness['state'];
  reason: string | null;
  hint: string | null;
  missing: MissingFile[];
  missingNodes: string[];
  /** Bytes still to download to run it (catalogue sizes of its missing files). */
  bytesToGet: number;
  /** Missing files ComfyDesk cannot download (not in the catalogue): they must be got by hand. */
  unknownFiles: number;
}

/** The newest download of one file (active ones first). */
export function downloadOf(downloads: readonly DownloadView[], folder: string, file: string): DownloadView | null {
  const mine = downloads.filter((d) => d.file === file && d.folder === folder);
  return (
    mine.find((d) => d.state === 'queued' || d.state === 'downloading' || d.state === 'verifying') ??
    mine.find((d) => d.state === 'failed') ??
    null
  );
}

export function workflowNeeds(
  workflows: readonly WorkflowManifest[],
  readiness: readonly WorkflowReadiness[],
  catalog: readonly CatalogModel[],
  downloads: readonly DownloadView[],
  /** The files chosen for model settings (settings.models); a setting not in it uses its default. */
  remembered: Readonly<Record<string, string>> = {},
): WorkflowNeeds[] {
  return workflows.map((manifest) => {
    const r = readiness.find((x) => x.id === manifest.id);
    const missing = (r?.missing.models ?? []).map((m): MissingFile => {
      const spec =
        manifest.models.find((s) => s.folder === m.folder && (remembered[s.setting] ?? s.default) === m.file) ??
        manifest.models.find((s) => s.folder === m.folder) ??
        null;
      const entry = catalog.find((c) => c.file === m.file && c.folder === m.folder) ?? null;
      return {
        folder: m.folder,
        file: m.file,
        setting: spec?.setting ?? null,
        label: spec?.label ?? m.folder,
        catalog: entry,
        download: downloadOf(downloads, m.folder, m.file),
      };
    });
    return {
      manifest,
      state: r?.state ?? 'wait',
      reason: r?.reason ?? null,
      hint: r?.hint ?? null,
      missing,
      missingNodes: r?.missing.nodeClasses ?? [],
      bytesToGet: missing.reduce((n, m) => n + (m.catalog?.bytes ?? 0), 0),
      unknownFiles: missing.filter((m) => !m.catalog).length,
    };
  });
}

/**
 * The order a newcomer should see: ready ones first, then text-to-image workflows ComfyDesk can make ready by
 * itself with the fewest bytes (the smallest useful set), then the rest (files to get by hand last).
 */
export function suggestedOrder(needs: readonly WorkflowNeeds[]): WorkflowNeeds[] {
  const rank = (n: WorkflowNeeds) => (n.state === 'ready' ? 0 : n.manifest.kind === 'txt2img' ? 1 : 2);
  return [...needs].sort((a, b) => rank(a) - rank(b) || a.unknownFiles - b.unknownFiles || a.bytesToGet - b.bytesToGet);
}

/** The workflow to start with: a ready text-to-image one, else the cheapest to make ready. */
export function startHere(needs: readonly WorkflowNeeds[]): WorkflowNeeds | null {
  return suggestedOrder(needs).find((n) => n.manifest.kind === 'txt2img') ?? null;
}

/** "1.2 GB of 6.5 GB · 48 MB/s · 2 min left" */
export function progressText(d: DownloadView, p: DownloadProgress | undefined, bytes: (n: number) => string): string {
  const done = p?.bytesDone ?? d.bytesDone;
  const total = p?.totalBytes ?? d.totalBytes;
  const parts = [total ? `${bytes(done)} of ${bytes(total)}` : bytes(done)];
  if (p && p.bytesPerSecond > 0) parts.push(`${bytes(p.bytesPerSecond)}/s`);
  if (p?.etaSeconds != null) {
    const s = Math.round(p.etaSeconds);
    parts.push(
      s < 60 ? `${s} s left` : s < 3600 ? `${Math.round(s / 60)} min left` : `${(s / 3600).toFixed(1)} h left`,
    );
  }
  if (d.state === 'queued') return 'Waiting for a free download slot';
  if (d.state === 'verifying') return 'Checking the file…';
  return parts.join(' · ');
}

/** What a workflow list says beside a workflow that cannot run now ("needs sd_xl_base_1.0.safetensors"). */
export function readinessNote(readiness: readonly WorkflowReadiness[], id: string): string | null {
  const r = readiness.find((x) => x.id === id);
  if (!r || r.state === 'ready') return null;
  if (r.state === 'wait') return 'waits for ComfyUI';
  const files = r.missing.models.map((m) => m.file);
  const nodes = r.missing.nodeClasses;
  if (files.length) return `needs ${files[0]}${files.length > 1 ? ` and ${files.length - 1} more` : ''}`;
  if (nodes.length) return `needs the node ${nodes[0]}${nodes.length > 1 ? ` and ${nodes.length - 1} more` : ''}`;
  return 'cannot run here';
}
