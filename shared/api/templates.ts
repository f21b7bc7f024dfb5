/**
 * Workflows and prompt templates for the desktop: the workflow manifests (the Generate form and the template
 * editor build their fields from them) and the templates the desktop user keeps, privately or shared with a
 * Discord server.
 */
import { z } from 'zod';
import { TemplateSchema } from '../templates';
import { WorkflowManifestSchema } from '../workflow-manifest';
import { method, NoInput } from './define';

/** The desktop user owns the templates made in the app. */
export const DESKTOP_OWNER_ID = 'desktop';

export const WorkflowEntrySchema = z.object({
  manifest: WorkflowManifestSchema,
  source: z.enum(['bundled', 'imported']),
});
export type WorkflowEntry = z.infer<typeof WorkflowEntrySchema>;

export const TemplateSaveInputSchema = z
  .object({
    /** The template being edited; a new one is made when absent. Renaming keeps no old copy. */
    id: z.number().int().positive().optional(),
    name: z.string().trim().min(1, 'a template needs a name').max(100),
    /** The Discord server it belongs to; null = the desktop user's private template. */
    guildId: z
      .string()
      .regex(/^\d{5,25}$/, 'a server id is a Discord snowflake')
      .nullable()
      .default(null),
    /** Everyone on the server may load it (needs a server). */
    shared: z.boolean().default(false),
    prompt: z.string().max(2000).default(''),
    negative: z.string().max(2000).default(''),
    /** Parameter values by manifest name, checked against the workflow's ranges. */
    params: z.record(z.string(), z.unknown()).default({}),
    workflow: z.string().min(1),
    /** Model file by the workflow's model setting; the ones left out follow the remembered choice. */
    models: z.record(z.string().min(1).max(100), z.string().trim().min(1).max(500)).default({}),
    /** The LoRA to apply (null or absent: none). */
    lora: z
      .object({ name: z.string().trim().min(1).max(500), strength: z.number().min(-10).max(10).optional() })
      .strict()
      .nullable()
      .default(null),
    /** Overwrite the caller's own template of the same name there (otherwise a clash is refused). */
    replace: z.boolean().default(false),
  })
  .strict();
export type TemplateSaveInput = z.input<typeof TemplateSaveInputSchema>;

export const TemplateChangedSchema = z.object({
  id: z.number().int(),
  /** The template as saved, or null when it was deleted. */
  template: TemplateSchema.nullable(),
});
export type TemplateChanged = z.infer<typeof TemplateChangedSchema>;

export const templatesMethods = {
  'workflows.list': method(
    NoInput,
    z.array(WorkflowEntrySchema),
    'Every loaded workflow manifest (bundled first, then imported).',
  ),
  'templates.list': method(
    z
      .object({ guildId: z.string().min(1).optional() })
      .strict()
      .optional()
      .default({}),
    z.array(TemplateSchema),
    "Templates by server and name; with guildId only that server's (and the private ones).",
  ),
  'templates.save': method(
    TemplateSaveInputSchema,
    TemplateSchema,
    'Create or change a template (parameters checked against its workflow); whoever saves it owns it.',
  ),
  'templates.delete': method(
    z.object({ id: z.number().int().positive() }).strict(),
    z.object({ removed: z.boolean() }),
    'Delete a template.',
  ),
};

export const templatesEvents = {
  /** A template was saved or deleted. */
  'templates.changed': TemplateChangedSchema,
};
