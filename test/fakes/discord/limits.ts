/**
 * Message / embed / component / modal limits (discord-facts.md §3.1, §3.2, §4.1, §4.2, §4.3) checked the way
 * Discord answers them: 400 + 50035 with an `errors` tree, 30015 for too many files, 413 + 40005 for a file
 * over the upload limit, 50006 for an empty message. Bodies are parsed with zod at the edge.
 */
import { z } from 'zod';
import { Codes, FormErrors, discordError, entityTooLarge } from './errors';
import type { RecordedFile } from './recorder';

export const MESSAGE_LIMITS = {
  content: 2000,
  embeds: 10,
  embedTotal: 6000,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  files: 10,
  actionRows: 5,
  buttonsPerRow: 5,
  customId: 100,
} as const;

export const DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024;

const embedSchema = z.looseObject({
  title: z.string().optional(),
  description: z.string().optional(),
  fields: z.array(z.looseObject({ name: z.string(), value: z.string(), inline: z.boolean().optional() })).optional(),
  footer: z.looseObject({ text: z.string() }).optional(),
  author: z.looseObject({ name: z.string() }).optional(),
});

export const messageBodySchema = z.looseObject({
  content: z.string().nullable().optional(),
  embeds: z.array(embedSchema).nullable().optional(),
  components: z
    .array(z.looseObject({ type: z.number() }))
    .nullable()
    .optional(),
  attachments: z
    .array(
      z.looseObject({
        id: z.union([z.string(), z.number()]),
        filename: z.string().optional(),
        description: z.string().optional(),
      }),
    )
    .nullable()
    .optional(),
  flags: z.number().int().nullable().optional(),
  tts: z.boolean().optional(),
  nonce: z.union([z.string(), z.number()]).optional(),
  allowed_mentions: z.unknown().optional(),
  message_reference: z.unknown().optional(),
  sticker_ids: z.array(z.string()).optional(),
  poll: z.unknown().optional(),
});

export type MessageBody = z.infer<typeof messageBodySchema>;

/** Parse with zod and turn issues into Discord's 50035 error tree. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const errors = new FormErrors();
  for (const issue of result.error.issues) {
    errors.add(
      issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
      issue.code === 'invalid_type' ? 'BASE_TYPE_INVALID' : 'BASE_TYPE_BAD',
      issue.message,
    );
  }
  errors.throwIfAny();
  throw discordError(400, Codes.InvalidFormBody, 'Invalid Form Body');
}

const trimmedLength = (s: string | undefined): number => (s ? s.trim().length : 0);

function maxLen(errors: FormErrors, path: Array<string | number>, value: string | undefined, max: number): void {
  if (value !== undefined && trimmedLength(value) > max) {
    errors.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
  }
}

export interface MessageCheckOptions {
  /** Creating (true) requires some content; edits may be partial. */
  create: boolean;
  files: readonly RecordedFile[];
  uploadLimit: number;
}

export function checkMessage(body: MessageBody, opts: MessageCheckOptions): void {
  // §4.3: per-file limit, 413 + 40005.
  if (opts.files.some((f) => f.size > opts.uploadLimit)) throw entityTooLarge();
  // §4.1: more than 10 files -> 30015.
  if (opts.files.length > MESSAGE_LIMITS.files) {
    throw discordError(400, Codes.MaxAttachments, 'Maximum number of attachments in a message reached (10)');
  }
  const errors = new FormErrors();
  maxLen(errors, ['content'], body.content ?? undefined, MESSAGE_LIMITS.content);
  const embeds = body.embeds ?? [];
  if (embeds.length > MESSAGE_LIMITS.embeds) {
    errors.add(['embeds'], 'BASE_TYPE_MAX_LENGTH', `Must be ${MESSAGE_LIMITS.embeds} or fewer in length.`);
  }
  let total = 0;
  embeds.forEach((e, i) => {
    maxLen(errors, ['embeds', i, 'title'], e.title, MESSAGE_LIMITS.title);
    maxLen(errors, ['embeds', i, 'description'], e.description, MESSAGE_LIMITS.description);
    maxLen(errors, ['embeds', i, 'footer', 'text'], e.footer?.text, MESSAGE_LIMITS.footer);
    maxLen(errors, ['embeds', i, 'author', 'name'], e.author?.name, MESSAGE_LIMITS.author);
    const fields = e.fields ?? [];
    if (fields.length > MESSAGE_LIMITS.fields) {
      errors.add(
        ['embeds', i, 'fields'],
        'BASE_TYPE_MAX_LENGTH',
        `Must be ${MESSAGE_LIMITS.fields} or fewer in length.`,
      );
    }
    fields.forEach((f, j) => {
      maxLen(errors, ['embeds', i, 'fields', j, 'name'], f.name, MESSAGE_LIMITS.fieldName);
      maxLen(errors, ['embeds', i, 'fields', j, 'value'], f.value, MESSAGE_LIMITS.fieldValue);
      total += trimmedLength(f.name) + trimmedLength(f.value);
    });
    total +=
      trimmedLength(e.title) +
      trimmedLength(e.description) +
      trimmedLength(e.footer?.text) +
      trimmedLength(e.author?.name);
  });
  // §4.2: the 6000 sum is across all embeds of the message.
  if (total > MESSAGE_LIMITS.embedTotal) {
    errors.add(
      ['embeds'],
      'MAX_EMBED_SIZE_EXCEEDED',
      `Embed size exceeds maximum size of ${MESSAGE_LIMITS.embedTotal}`,
    );
  }
  checkComponents(errors, body.components ?? [], body.flags ?? 0);
  errors.throwIfAny();
  if (opts.create) {
    const empty =
      !body.content &&
      embeds.length === 0 &&
      (body.components ?? []).length === 0 &&
      opts.files.length === 0 &&
      (body.sticker_ids ?? []).length === 0 &&
      body.poll === undefined;
    if (empty) throw discordError(400, Codes.CannotSendEmptyMessage, 'Cannot send an empty message');
  }
}

const IS_COMPONENTS_V2 = 1 << 15;

function checkComponents(errors: FormErrors, components: ReadonlyArray<Record<string, unknown>>, flags: number): void {
  if ((flags & IS_COMPONENTS_V2) !== 0) return; // V2 layouts are passed through (40 total; not modelled).
  if (components.length > MESSAGE_LIMITS.actionRows) {
    errors.add(['components'], 'BASE_TYPE_MAX_LENGTH', `Must be ${MESSAGE_LIMITS.actionRows} or fewer in length.`);
  }
  components.forEach((row, i) => {
    const children = Array.isArray(row.components) ? (row.components as Array<Record<string, unknown>>) : [];
    if (children.length > MESSAGE_LIMITS.buttonsPerRow) {
      errors.add(
        ['components', i, 'components'],
        'BASE_TYPE_MAX_LENGTH',
        `Must be ${MESSAGE_LIMITS.buttonsPerRow} or fewer in length.`,
      );
    }
    children.forEach((c, j) => {
      const id = c.custom_id;
      if (typeof id === 'string' && (id.length < 1 || id.length > MESSAGE_LIMITS.customId)) {
        errors.add(
          ['components', i, 'components', j, 'custom_id'],
          'BASE_TYPE_BAD_LENGTH',
          'Must be between 1 and 100 in length.',
        );
      }
    });
  });
}

export const modalSchema = z.looseObject({
  custom_id: z.string(),
  title: z.string(),
  components: z.array(z.looseObject({ type: z.number() })),
});

/** §3.2: title ≤ 45, 1–5 top-level components, custom_id 1–100. */
export function checkModal(data: unknown): void {
  const modal = parseBody(modalSchema, data);
  const errors = new FormErrors();
  if (modal.title.length > 45) errors.add(['data', 'title'], 'BASE_TYPE_MAX_LENGTH', 'Must be 45 or fewer in length.');
  if (modal.custom_id.length < 1 || modal.custom_id.length > 100) {
    errors.add(['data', 'custom_id'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
  }
  if (modal.components.length < 1 || modal.components.length > 5) {
    errors.add(['data', 'components'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 5 in length.');
  }
  errors.throwIfAny();
}

export const autocompleteSchema = z.looseObject({
  choices: z.array(z.looseObject({ name: z.string(), value: z.union([z.string(), z.number()]) })),
});

/** §2.3: at most 25 choices; names 1–100; string values ≤ 100. */
export function checkAutocomplete(data: unknown): void {
  const parsed = parseBody(autocompleteSchema, data);
  const errors = new FormErrors();
  if (parsed.choices.length > 25)
    errors.add(['data', 'choices'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
  parsed.choices.forEach((c, i) => {
    if (c.name.length < 1 || c.name.length > 100) {
      errors.add(['data', 'choices', i, 'name'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
    }
    if (typeof c.value === 'string' && c.value.length > 100) {
      errors.add(['data', 'choices', i, 'value'], 'BASE_TYPE_MAX_LENGTH', 'Must be 100 or fewer in length.');
    }
  });
  errors.throwIfAny();
}
