import { create } from 'zustand';
import type { Job } from '@shared/jobs';
import type { Output } from '@shared/library';
import type { FormValues } from '../lib/param-form';
import { api } from '../api/client';
import { attempt, report } from './toast-store';

/** An input image chosen for a slot: uploaded through jobs.uploadInput, or a library output. */
export interface DraftImage {
  slot: number;
  path: string;
  filename: string;
  /** A preview URL for the form (object URL or media URL). */
  previewUrl: string;
}

export interface GenerateDraft {
  workflow: string;
  prompt: string;
  negative: string;
  values: FormValues;
  images: DraftImage[];
  /** Model files chosen here, by the workflow's model setting (the rest as remembered). */
  models: Record<string, string>;
  /** The LoRA: undefined = the one remembered for the workflow, null = none. */
  lora?: { name: string; strength?: number } | null;
}

interface GenerateState {
  draft: GenerateDraft;
  /** Jobs submitted from this form in this session, newest first. */
  submitted: string[];
  /** Outputs of those jobs as they arrive. */
  outputs: Record<string, Output[]>;
  submitting: boolean;
  setDraft(patch: Partial<GenerateDraft>): void;
  /** Start from an output or template: the Generate page picks this up. */
  prefill(draft: Partial<GenerateDraft>): void;
  /** Upload an input image; the error to show at the drop zone, or null. */
  upload(slot: number, file: File): Promise<string | null>;
  submit(params: Record<string, unknown>): Promise<Job | undefined>;
}

export const emptyDraft = (workflow = ''): GenerateDraft => ({
  workflow,
  prompt: '',
  negative: '',
  values: {},
  images: [],
  models: {},
});

/** Read a File as base64 (without the data: prefix). */
export function fileToBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onerror = () => reject(reader.error ?? new Error('Could not read the file.'));
    reader.onload = () => {
      const s = String(reader.result);
      resolve(s.slice(s.indexOf(',') + 1));
    };
    reader.readAsDataURL(file);
  });
}

export const MAX_INPUT_BYTES = 25 * 1024 * 1024;

/** The desktop user's Generate form, kept across page switches. */
export const useGenerate = create<GenerateState>((set, get) => ({
  draft: emptyDraft(),
  submitted: [],
  outputs: {},
  submitting: false,
  setDraft(patch) {
    set({ draft: { ...get().draft, ...patch } });
  },
  prefill(patch) {
    set({ draft: { ...emptyDraft(), ...patch } });
  },
  async upload(slot, file) {
    if (!file.type.startsWith('image/')) return `${file.name} is not an image: drop a PNG, JPEG or WebP file.`;
    if (file.size > MAX_INPUT_BYTES) return `${file.name} is larger than 25 MB.`;
    // The preview in the drop zone is the success signal, a failure shows there too.
    let error: string | null = null;
    const r = await attempt(
      async () => api.call('jobs.uploadInput', { filename: file.name, dataBase64: await fileToBase64(file) }),
      (message) => (error = message),
    );
    if (!r) return error;
    const image: DraftImage = { slot, path: r.path, filename: r.filename, previewUrl: URL.createObjectURL(file) };
    const { draft } = get();
    const replaced = draft.images.find((i) => i.slot === slot);
    if (replaced?.previewUrl.startsWith('blob:')) URL.revokeObjectURL(replaced.previewUrl);
    set({ draft: { ...draft, images: [...draft.images.filter((i) => i.slot !== slot), image] } });
    return null;
  },
  async submit(params) {
    const { draft } = get();
    set({ submitting: true });
    const job = await report(
      () =>
        api.call('jobs.submit', {
          workflow: draft.workflow,
          prompt: draft.prompt,
          negative: draft.negative,
          params,
          models: draft.models,
          ...(draft.lora !== undefined ? { lora: draft.lora } : {}),
          inputs: draft.images.map(({ slot, path, filename }) => ({ slot, path, filename })),
        }),
      'Queued. Follow it under Your jobs or in the queue.',
    );
    set({ submitting: false, ...(job ? { submitted: [job.id, ...get().submitted].slice(0, 20) } : {}) });
    return job;
  },
}));

api.on('library.added', (added) => {
  const { submitted, outputs } = useGenerate.getState();
  const mine = added.filter((o) => submitted.includes(o.jobId));
  if (mine.length === 0) return;
  const next = { ...outputs };
  for (const o of mine) next[o.jobId] = [...(next[o.jobId] ?? []), o];
  useGenerate.setState({ outputs: next });
});
