/**
 * The settings export: one versioned JSON file with the user settings, prompt templates (and who owns them),
 * imported workflows, and each Discord server's settings and role map. It never carries a secret (the Discord,
 * Hugging Face and CivitAI tokens live in the secret store, not here). Parsed with this schema on import.
 */
import { z } from 'zod';
import { GuildLimitsSchema, GuildSettingsSchema, RoleLevelSchema } from './guilds';
import { SettingsSchema } from './settings';

export const EXPORT_FORMAT = 'comfydesk-export';
export const EXPORT_VERSION = 1;
/** The largest export file accepted (imported workflows are at most 5 MB each, and one message carries it). */
export const MAX_EXPORT_BYTES = 7 * 1024 * 1024;

const Id = z.string().min(1).max(100);

export const ExportedUserSchema = z.object({ id: Id, name: z.string().min(1).max(200) }).strict();

export const ExportedTemplateSchema = z
  .object({
    ownerId: Id,
    guildId: Id.nullable(),
    shared: z.boolean(),
    name: z.string().min(1).max(100),
    prompt: z.string().max(2000),
    negative: z.string().max(2000),
    params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
    workflow: z.string().min(1).max(100),
    /** Model file by the workflow's model setting, and the LoRA (absent in files from before templates had them). */
    models: z.record(z.string().min(1).max(100), z.string().min(1).max(500)).default({}),
    lora: z
      .object({ name: z.string().min(1).max(500), strength: z.number().optional() })
      .strict()
      .nullable()
      .default(null),
    createdAt: z.number().int().nonnegative(),
    updatedAt: z.number().int().nonnegative(),
  })
  .strict();
export type ExportedTemplate = z.infer<typeof ExportedTemplateSchema>;

/** An imported workflow as its two files hold it; checked against each other like a dropped workflow. */
export const ExportedWorkflowSchema = z
  .object({ manifest: z.record(z.string(), z.unknown()), workflow: z.record(z.string(), z.unknown()) })
  .strict();
export type ExportedWorkflow = z.infer<typeof ExportedWorkflowSchema>;

export const ExportedGuildSchema = z
  .object({
    id: Id,
    name: z.string().min(1).max(200),
    settings: GuildSettingsSchema,
    limits: GuildLimitsSchema,
    bannedWords: z.array(z.string().max(200)).max(5_000),
    roles: z.array(z.object({ roleId: Id, level: RoleLevelSchema }).strict()).max(500),
  })
  .strict();
export type ExportedGuild = z.infer<typeof ExportedGuildSchema>;

export const ExportFileSchema = z
  .object({
    format: z.literal(EXPORT_FORMAT),
    version: z.literal(EXPORT_VERSION),
    exportedAt: z.number().int().nonnegative(),
    appVersion: z.string().max(50),
    settings: SettingsSchema,
    users: z.array(ExportedUserSchema).max(100_000),
    templates: z.array(ExportedTemplateSchema).max(100_000),
    workflows: z.array(ExportedWorkflowSchema).max(1_000),
    guilds: z.array(ExportedGuildSchema).max(10_000),
  })
  .strict();
export type ExportFile = z.infer<typeof ExportFileSchema>;
