/**
 * What a Discord message about a job looks like, as plain data: the bot turns it into discord.js builders, the
 * renderer draws the same shape as a Discord preview (template editor, job details). Pure functions, no
 * discord.js; every text is clamped to Discord's embed limits here so both sides agree on what is shown.
 */
import type { JobPhase, JobProgressView, JobWait } from './api/jobs';
import type { Job } from './jobs';
import { buttonId, type ButtonAction } from './button-ids';
import type { Template } from './templates';
import type { WorkflowKind, WorkflowManifest } from './workflow-manifest';
import { jobLabel } from './format';

export interface EmbedField {
  name: string;
  value: string;
  inline: boolean;
}

export interface EmbedView {
  title: string;
  description: string;
  /** 0xRRGGBB */
  color: number;
  fields: EmbedField[];
  /** `attachment://name.png` for an uploaded file, or an https/data URL in the renderer. */
  imageUrl: string | null;
  footer: string | null;
}

export type ButtonStyle = 'primary' | 'secondary' | 'success' | 'danger';

export interface ButtonView {
  customId: string;
  label: string;
  style: ButtonStyle;
  disabled: boolean;
}

export type ButtonRow = ButtonView[];

export interface MessageView {
  embeds: EmbedView[];
  rows: ButtonRow[];
}

/** Discord's limits (characters). */
export const EMBED_LIMITS = {
  title: 256,
  description: 4096,
  fieldName: 256,
  fieldValue: 1024,
  fields: 25,
  footer: 2048,
  total: 6000,
  customId: 100,
  buttonLabel: 80,
  buttonsPerRow: 5,
  rows: 5,
} as const;

export const EMBED_COLORS = {
  queued: 0x95a5a6,
  running: 0x5865f2,
  done: 0x57f287,
  failed: 0xed4245,
  cancelled: 0x747f8d,
  info: 0x5865f2,
  warning: 0xfee75c,
} as const;

/** Cut text to `max` characters, ending with an ellipsis when cut; empty text stays empty. */
export function clampText(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** Field values must not be empty on Discord. */
const value = (text: string): string => clampText(text.trim() === '' ? '—' : text, EMBED_LIMITS.fieldValue);

function field(name: string, text: string, inline = true): EmbedField {
  return { name: clampText(name, EMBED_LIMITS.fieldName), value: value(text), inline };
}

/** Enforce every per-part limit and the 6000 total (the description shrinks first, then fields are dropped). */
export function clampEmbed(embed: EmbedView): EmbedView {
  const out: EmbedView = {
    ...embed,
    title: clampText(embed.title, EMBED_LIMITS.title),
    description: clampText(embed.description, EMBED_LIMITS.description),
    fields: embed.fields.slice(0, EMBED_LIMITS.fields).map((f) => field(f.name, f.value, f.inline)),
    footer: embed.footer === null ? null : clampText(embed.footer, EMBED_LIMITS.footer),
  };
  const size = (): number =>
    out.title.length +
    out.description.length +
    (out.footer?.length ?? 0) +
    out.fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
  let over = size() - EMBED_LIMITS.total;
  if (over > 0) {
    out.description = clampText(out.description, Math.max(0, out.description.length - over));
    over = size() - EMBED_LIMITS.total;
  }
  while (over > 0 && out.fields.length > 0) {
    out.fields = out.fields.slice(0, -1);
    over = size() - EMBED_LIMITS.total;
  }
  return out;
}

/** Characters an embed counts toward Discord's 6000 total. */
export function embedSize(embed: EmbedView): number {
  return (
    embed.title.length +
    embed.description.length +
    (embed.footer?.length ?? 0) +
    embed.fields.reduce((n, f) => n + f.name.length + f.value.length, 0)
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Progress

/** `▰▰▰▰▱▱▱▱▱▱` for a percentage (0..100, clamped). */
export function progressBar(percent: number, width = 20): string {
  const p = Number.isFinite(percent) ? Math.min(100, Math.max(0, percent)) : 0;
  const full = Math.round((p / 100) * width);
  return '▰'.repeat(full) + '▱'.repeat(width - full);
}

/** `45 s`, `3 min 5 s`, `1 h 2 min`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
}

export const PHASE_LABELS: Record<JobPhase, string> = {
  queued: 'Waiting in queue',
  loading: 'Loading models',
  sampling: 'Sampling',
  decoding: 'Decoding',
  saving: 'Saving',
  processing: 'Processing',
  done: 'Done',
  failed: 'Failed',
  interrupted: 'Cancelled',
};

/** The parts of a job an embed shows (a stored Job fits; so does a draft in the renderer). */
export type JobLike = Pick<Job, 'id' | 'number' | 'prompt' | 'negative' | 'workflow' | 'params' | 'userId'> & {
  status?: Job['status'];
  error?: string | null;
  errorHint?: string | null;
  lora?: Job['lora'];
};

export interface ProgressEmbedInput {
  job: JobLike;
  /** The latest progress view; null before the first tick (shown as queued). */
  progress: JobProgressView | null;
  workflowTitle?: string;
  /** Who asked, e.g. a Discord mention `<@123>` or a name. */
  who?: string;
  /** Where the preview image is, e.g. `attachment://preview.jpg`; null for none. */
  previewUrl?: string | null;
}

/** When a waiting job should start, as a person reads it ("Starts in about 2 min", "No estimate yet"). */
export function startsText(wait: JobWait): string | null {
  if (wait.kind !== 'queue') return null;
  if (wait.startsInMs === null) return 'No estimate yet';
  if (wait.startsInMs < 1_000) return 'Starts now';
  if (wait.startsInMs < 60_000) return 'Starts in less than a minute';
  return `Starts in about ${formatDuration(Math.round(wait.startsInMs / 60_000) * 60_000)}`;
}

export function progressEmbed(input: ProgressEmbedInput): EmbedView {
  const { job, progress } = input;
  const phase: JobPhase = progress?.phase ?? 'queued';
  const percent = progress?.percent ?? 0;
  const wait = progress?.wait ?? null;
  const lines = [`${progressBar(percent)} **${Math.floor(percent)}%**`, `${PHASE_LABELS[phase]}${stepText(progress)}`];
  if (wait && wait.kind !== 'queue') lines.push(`**${wait.reason}.** ${wait.hint}`);
  if (progress?.notice) lines.push(`⚠️ ${progress.notice}`);
  const fields: EmbedField[] = [];
  if (progress?.position != null) fields.push(field('Position', `#${progress.position}`));
  const starts = wait ? startsText(wait) : null;
  if (starts) fields.push(field('Start', starts));
  if (progress?.etaMs != null) fields.push(field('Time left', `about ${formatDuration(progress.etaMs)}`));
  fields.push(field('Workflow', input.workflowTitle ?? job.workflow));
  if (input.who) fields.push(field('For', input.who));
  return clampEmbed({
    title: phase !== 'queued' ? 'Generating…' : wait && wait.kind !== 'queue' ? 'Waiting' : 'Queued',
    description: `${lines.join('\n')}\n\n${quotePrompt(job.prompt)}`,
    color: phase === 'queued' ? EMBED_COLORS.queued : EMBED_COLORS.running,
    fields,
    imageUrl: input.previewUrl ?? null,
    footer: `Job ${jobLabel(job)}`,
  });
}

function stepText(progress: JobProgressView | null): string {
  if (!progress?.step || progress.step.max <= 0) return '';
  return ` · step ${progress.step.value}/${progress.step.max}`;
}

function quotePrompt(prompt: string): string {
  const text = prompt.trim() === '' ? '(no prompt)' : prompt.replace(/\s+/g, ' ').trim();
  return `> ${clampText(text, 1500)}`;
}

/** The progress message's buttons: Cancel while the job is not over. */
export function progressButtons(jobId: string): ButtonRow[] {
  return [[button('cancel', jobId, 'Cancel', 'danger')]];
}

// ---------------------------------------------------------------------------------------------------------------
// Results

/** Parameters shown on a result, in this order, with their labels; others follow by name. */
const PARAM_ORDER: Array<[string, string]> = [
  ['seed', 'Seed'],
  ['steps', 'Steps'],
  ['cfg', 'CFG'],
  ['guidance', 'Guidance'],
  ['width', 'Width'],
  ['height', 'Height'],
  ['batch_size', 'Images'],
  ['scale', 'Scale'],
  ['frames', 'Frames'],
  ['strength', 'Strength'],
  ['denoise', 'Denoise'],
  ['sampler', 'Sampler'],
  ['scheduler', 'Scheduler'],
  ['lora', 'LoRA'],
  ['lora_strength', 'LoRA strength'],
];

/** `Seed 42 · Steps 20 · 1024×1024` style lines for a parameter set (prompt texts excluded). */
export function paramFields(params: Readonly<Record<string, unknown>>): EmbedField[] {
  const out: EmbedField[] = [];
  const seen = new Set(['prompt', 'negative']);
  const show = (v: unknown): string =>
    typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  if (params.width !== undefined && params.height !== undefined) {
    out.push(field('Size', `${show(params.width)}×${show(params.height)}`));
    seen.add('width').add('height');
  }
  for (const [name, label] of PARAM_ORDER) {
    if (seen.has(name) || params[name] === undefined || params[name] === null || params[name] === '') continue;
    seen.add(name);
    out.push(field(label, show(params[name])));
  }
  for (const [name, v] of Object.entries(params)) {
    if (seen.has(name) || v === undefined || v === null || v === '') continue;
    out.push(field(name, show(v)));
  }
  return out;
}

export interface ResultEmbedInput {
  job: JobLike;
  workflowTitle?: string;
  who?: string;
  /** The first image, e.g. `attachment://result-1.png`; null when nothing could be attached. */
  imageUrl?: string | null;
  /** Files made / files attached; the difference is explained ("kept on the desktop"). */
  made?: number;
  attached?: number;
  /** Why files were left out (too large for the upload limit). */
  notAttachedReason?: string;
  /** How long it took. */
  durationMs?: number | null;
}

export function resultEmbed(input: ResultEmbedInput): EmbedView {
  const { job } = input;
  const fields: EmbedField[] = [
    ...paramFields(job.lora ? { ...job.params, lora: job.lora.name, lora_strength: job.lora.strength } : job.params),
  ];
  fields.unshift(field('Workflow', input.workflowTitle ?? job.workflow));
  if (input.who) fields.push(field('By', input.who));
  let description = quotePrompt(job.prompt);
  if (job.negative.trim() !== '') description += `\n**Negative:** ${clampText(job.negative.replace(/\s+/g, ' '), 500)}`;
  const made = input.made ?? input.attached ?? 0;
  const attached = input.attached ?? made;
  if (attached < made) {
    const reason = input.notAttachedReason ?? 'too large for this server’s upload limit';
    description += `\n\n⚠️ ${made - attached} of ${made} file${made === 1 ? '' : 's'} not attached (${reason}); the original is kept in ComfyDesk on the desktop.`;
  }
  const footer =
    input.durationMs != null ? `Job ${jobLabel(job)} · ${formatDuration(input.durationMs)}` : `Job ${jobLabel(job)}`;
  return clampEmbed({
    title: 'Done',
    description,
    color: EMBED_COLORS.done,
    fields,
    imageUrl: input.imageUrl ?? null,
    footer,
  });
}

function button(action: ButtonAction, jobId: string, label: string, style: ButtonStyle, disabled = false): ButtonView {
  return { customId: buttonId(action, jobId), label: clampText(label, EMBED_LIMITS.buttonLabel), style, disabled };
}

/**
 * Buttons under a result. Image results get Upscale 2×/4×, Vary, Edit, Animate; every result gets Rerun and
 * Delete. `available` leaves out actions the desktop has no workflow for.
 */
export function resultButtons(
  jobId: string,
  media: 'image' | 'video',
  available: Partial<Record<WorkflowKind, boolean>> = { upscale: true, edit: true, img2video: true },
): ButtonRow[] {
  const rows: ButtonRow[] = [];
  if (media === 'image') {
    const first: ButtonRow = [];
    if (available.upscale !== false) {
      first.push(
        button('upscale2', jobId, 'Upscale 2×', 'primary'),
        button('upscale4', jobId, 'Upscale 4×', 'primary'),
      );
    }
    first.push(button('vary', jobId, 'Vary', 'secondary'));
    if (available.edit !== false) first.push(button('edit', jobId, 'Edit', 'secondary'));
    if (available.img2video !== false) first.push(button('animate', jobId, 'Animate', 'secondary'));
    rows.push(first);
  }
  rows.push([button('rerun', jobId, 'Rerun', 'secondary'), button('delete', jobId, 'Delete', 'danger')]);
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------
// Errors and notices

export interface ErrorEmbedInput {
  title: string;
  /** What went wrong. */
  message: string;
  /** What the user can do about it. */
  hint?: string;
  jobId?: string;
}

export function errorEmbed(input: ErrorEmbedInput): EmbedView {
  const description = input.hint ? `${input.message}\n\n**What to do:** ${input.hint}` : input.message;
  return clampEmbed({
    title: input.title,
    description,
    color: EMBED_COLORS.failed,
    fields: [],
    imageUrl: null,
    footer: input.jobId ? `Job ${input.jobId}` : null,
  });
}

/** A failed or cancelled job's progress message. */
export function jobEndedEmbed(
  job: JobLike & { status: Job['status']; error?: string | null },
  workflowTitle?: string,
): EmbedView {
  const cancelled = job.status === 'cancelled';
  return clampEmbed({
    title: cancelled ? 'Cancelled' : 'Generation failed',
    description: cancelled
      ? `${quotePrompt(job.prompt)}\n\nThis job was cancelled.`
      : `${quotePrompt(job.prompt)}\n\n**Error:** ${job.error ?? 'unknown error'}\n\n**What to do:** ${job.errorHint ?? 'Ask the desktop owner to look at ComfyDesk’s Health page.'}`,
    color: cancelled ? EMBED_COLORS.cancelled : EMBED_COLORS.failed,
    fields: [field('Workflow', workflowTitle ?? job.workflow)],
    imageUrl: null,
    footer: `Job ${jobLabel(job)}`,
  });
}

export function infoEmbed(title: string, description: string, fields: EmbedField[] = []): EmbedView {
  return clampEmbed({ title, description, color: EMBED_COLORS.info, fields, imageUrl: null, footer: null });
}

// ---------------------------------------------------------------------------------------------------------------
// Templates

export type TemplateLike = Pick<Template, 'name' | 'prompt' | 'negative' | 'params' | 'workflow' | 'shared'> & {
  id?: number;
};

/**
 * How a template looks in Discord (`/template load`, and the desktop's template editor preview): prompt,
 * negative, the workflow, and every parameter with the manifest's label, with defaults the template leaves out.
 */
export function templatePreviewEmbed(template: TemplateLike, manifest: WorkflowManifest | null): EmbedView {
  const fields: EmbedField[] = [
    field('Workflow', manifest ? `${manifest.title} (${manifest.id})` : `${template.workflow} (not installed)`),
  ];
  if (manifest) {
    for (const spec of manifest.parameters) {
      if (spec.name === 'prompt' || spec.name === 'negative') continue;
      const given = template.params[spec.name];
      if (given !== undefined && given !== null)
        fields.push(field(spec.label, String(given as string | number | boolean)));
      else if (spec.default !== undefined) fields.push(field(spec.label, `${String(spec.default)} (default)`));
    }
  } else {
    fields.push(...paramFields(template.params));
  }
  fields.push(field('Shared', template.shared ? 'Everyone on this server' : 'Only you'));
  let description = quotePrompt(template.prompt);
  if (template.negative.trim() !== '')
    description += `\n**Negative:** ${clampText(template.negative.replace(/\s+/g, ' '), 500)}`;
  return clampEmbed({
    title: `Template: ${template.name}`,
    description,
    color: EMBED_COLORS.info,
    fields,
    imageUrl: null,
    footer:
      template.id !== undefined
        ? `Template #${template.id} · /generate template:${template.name}`
        : `/generate template:${template.name}`,
  });
}
