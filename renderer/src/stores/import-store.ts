import { create } from 'zustand';
import type { WorkflowEntry } from '@shared/api/templates';
import type { GraphProblemView, ProposalMissing, WorkflowProposal } from '@shared/api/workflows';
import type { ManifestParameter, WorkflowManifest } from '@shared/workflow-manifest';
import { ApiError } from '@shared/api';
import { api } from '../api/client';
import { errorMessage } from '../lib/format';
import { bytesToBase64, isPngBytes, pngMetadataOnly } from '../lib/png-metadata';
import { useNav } from './nav-store';
import { report, toast } from './toast-store';

type Graph = WorkflowProposal['workflow'];
type CheckedAgainst = WorkflowProposal['checkedAgainst'];

/** Files a workflow can come in. */
export const IMPORT_ACCEPT = '.json,.png,application/json,image/png';
export const isWorkflowFile = (f: { name: string; type: string }): boolean =>
  /\.(json|png)$/i.test(f.name) || f.type === 'application/json' || f.type === 'image/png';

interface ImportState {
  fileName: string | null;
  reading: boolean;
  /** Why the last file could not be read: a heading and what to do. */
  error: { title: string; message: string } | null;
  proposal: WorkflowProposal | null;
  /** The manifest and graph under review (the proposal as edited). */
  manifest: WorkflowManifest | null;
  workflow: Graph | null;
  problems: GraphProblemView[];
  missing: ProposalMissing;
  checkedAgainst: CheckedAgainst;
  /** Why the edited manifest does not fit its graph (saving is refused until it does). */
  invalid: string[];
  checking: boolean;
  saving: boolean;
  /** Read a dropped or chosen file and propose a workflow from it (the Workflows page shows the review). */
  open(file: File): Promise<void>;
  edit(patch: Partial<Pick<WorkflowManifest, 'id' | 'title' | 'description' | 'kind'>>): void;
  editParam(name: string, patch: Partial<ManifestParameter>): void;
  removeParam(name: string): void;
  editImage(index: number, label: string): void;
  /** Use another file for a model the workflow loads (the default and the graph's value). */
  setModelFile(index: number, file: string): void;
  recheck(): Promise<void>;
  save(): Promise<WorkflowEntry | undefined>;
  discard(): void;
}

const NO_MISSING: ProposalMissing = { nodeClasses: [], models: [] };
let recheckTimer: ReturnType<typeof setTimeout> | undefined;

/** The import under review: what was proposed, the user's edits, and the checks of the edited one. */
export const useImport = create<ImportState>((set, get) => {
  const changed = (patch: Partial<ImportState>) => {
    set(patch);
    // Edits come in bursts (typing): check the result once they pause.
    clearTimeout(recheckTimer);
    recheckTimer = setTimeout(() => void get().recheck(), 300);
  };
  return {
    fileName: null,
    reading: false,
    error: null,
    proposal: null,
    manifest: null,
    workflow: null,
    problems: [],
    missing: NO_MISSING,
    checkedAgainst: null,
    invalid: [],
    checking: false,
    saving: false,
    async open(file) {
      set({ reading: true, error: null, fileName: file.name });
      useNav.getState().go('workflows');
      try {
        const bytes = new Uint8Array(await file.arrayBuffer());
        const input = isPngBytes(bytes)
          ? { fileName: file.name, base64: bytesToBase64(pngMetadataOnly(bytes)) }
          : { fileName: file.name, text: new TextDecoder().decode(bytes) };
        const proposal = await api.call('workflows.propose', input);
        set({
          reading: false,
          proposal,
          manifest: proposal.manifest,
          workflow: proposal.workflow,
          problems: proposal.problems,
          missing: proposal.missing,
          checkedAgainst: proposal.checkedAgainst,
          invalid: [],
        });
      } catch (err) {
        const title = err instanceof ApiError && err.title ? err.title : 'Could not read the file';
        set({ reading: false, error: { title, message: errorMessage(err) } });
      }
    },
    edit(patch) {
      const m = get().manifest;
      if (m) changed({ manifest: { ...m, ...patch } });
    },
    editParam(name, patch) {
      const m = get().manifest;
      if (!m) return;
      const parameters = m.parameters.map((p) => (p.name === name ? ({ ...p, ...patch } as ManifestParameter) : p));
      changed({ manifest: { ...m, parameters } });
    },
    removeParam(name) {
      const m = get().manifest;
      if (!m) return;
      const parameters = m.parameters.filter((p) => p.name !== name);
      changed({ manifest: { ...m, parameters, supportsBatch: name === 'batch_size' ? false : m.supportsBatch } });
    },
    editImage(index, label) {
      const m = get().manifest;
      if (!m) return;
      changed({ manifest: { ...m, images: m.images.map((img, i) => (i === index ? { ...img, label } : img)) } });
    },
    setModelFile(index, file) {
      const { manifest: m, workflow } = get();
      const model = m?.models[index];
      if (!m || !workflow || !model) return;
      const graph = structuredClone(workflow);
      for (const t of model.targets) if (graph[t.node]) graph[t.node]!.inputs[t.input] = file;
      const models = m.models.map((x, i) => (i === index ? { ...x, default: file } : x));
      changed({ manifest: { ...m, models }, workflow: graph });
    },
    async recheck() {
      const { manifest, workflow } = get();
      if (!manifest || !workflow) return;
      set({ checking: true });
      try {
        const r = await api.call('workflows.check', { manifest, workflow });
        if (get().manifest !== manifest) return; // edited again meanwhile: that check follows
        set({ problems: r.problems, missing: r.missing, checkedAgainst: r.checkedAgainst, invalid: r.invalid });
      } catch (err) {
        toast.error(errorMessage(err));
      } finally {
        set({ checking: false });
      }
    },
    async save() {
      const { manifest, workflow } = get();
      if (!manifest || !workflow) return undefined;
      set({ saving: true });
      const entry = await report(
        () => api.call('workflows.import', { manifest, workflow }),
        (e) => `“${e.manifest.title}” saved: it is in Generate now.`,
      );
      set({ saving: false });
      if (entry) get().discard();
      return entry;
    },
    discard() {
      clearTimeout(recheckTimer);
      set({
        fileName: null,
        error: null,
        proposal: null,
        manifest: null,
        workflow: null,
        problems: [],
        missing: NO_MISSING,
        checkedAgainst: null,
        invalid: [],
      });
    },
  };
});
