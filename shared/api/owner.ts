/**
 * The GPU's owner on Discord: the desktop user links their own Discord account (a one-time code shown in the app,
 * sent to the bot by DM); that account may then act as the owner from anywhere the bot is (pause, cancel any
 * job, stop someone from generating, restart ComfyUI…). Every owner action is logged with who and when.
 */
import { z } from 'zod';
import { ComfyDeviceSchema } from './backends';
import { BotStateSchema } from './bot';
import { CancelResultSchema } from './jobs';
import { HealthSummarySchema } from './health';
import { method, NoInput } from './define';

const Snowflake = z.string().regex(/^\d{5,25}$/, 'a Discord id is a snowflake');

/** One-time link codes: 8 characters of an alphabet without look-alikes, shown as `ABCD-EFGH`. */
export const LINK_CODE_PATTERN = /^[A-HJ-NP-Z2-9]{4}-?[A-HJ-NP-Z2-9]{4}$/i;

export const OwnerStatusSchema = z.object({
  /** The Discord account linked as the owner's, null when none is. */
  linked: z.object({ userId: z.string(), userName: z.string(), linkedAt: z.number() }).nullable(),
  /** When the code shown now stops working (the code itself only comes from `owner.linkCode`). */
  codeExpiresAt: z.number().nullable(),
});
export type OwnerStatus = z.infer<typeof OwnerStatusSchema>;

export const OwnerActionSchema = z.object({
  id: z.number().int(),
  at: z.number(),
  /** Who acted: the linked Discord account, or the desktop. */
  via: z.enum(['discord', 'desktop']),
  userId: z.string(),
  userName: z.string(),
  action: z.string(),
  /** What it acted on (a job, a user), when anything. */
  target: z.string().nullable(),
  /** What happened, in one line. */
  detail: z.string(),
});
export type OwnerAction = z.infer<typeof OwnerActionSchema>;

export const UserBlockSchema = z.object({
  userId: z.string(),
  userName: z.string(),
  /** The server they may not generate in; null: everywhere. */
  guildId: z.string().nullable(),
  guildName: z.string().nullable(),
  /** Shown to them when they try. */
  reason: z.string(),
  at: z.number(),
  by: z.string(),
});
export type UserBlock = z.infer<typeof UserBlockSchema>;

/** What the owner can do from Discord (the desktop has its own controls for each, and may use these too). */
export const OwnerActInputSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('pause') }).strict(),
  z.object({ action: z.literal('resume') }).strict(),
  z.object({ action: z.literal('cancel'), job: z.string().trim().min(1).max(200) }).strict(),
  z
    .object({
      action: z.literal('block'),
      userId: Snowflake,
      userName: z.string().min(1).max(100).optional(),
      /** The server they may not generate in; null: everywhere. */
      guildId: Snowflake.nullable(),
      reason: z.string().trim().min(1).max(300),
    })
    .strict(),
  z.object({ action: z.literal('unblock'), userId: Snowflake, guildId: Snowflake.nullable() }).strict(),
  z.object({ action: z.literal('restartComfy') }).strict(),
  z.object({ action: z.literal('freeVram') }).strict(),
]);
export type OwnerActInput = z.input<typeof OwnerActInputSchema>;

export const OwnerOverviewSchema = z.object({
  health: HealthSummarySchema,
  bot: BotStateSchema,
  /** GPUs of the online backends with free memory, as `comfy.devices` reads them. */
  devices: z.array(ComfyDeviceSchema),
});
export type OwnerOverview = z.infer<typeof OwnerOverviewSchema>;

export const ownerMethods = {
  'owner.status': method(NoInput, OwnerStatusSchema, 'The linked Discord account, if any, and the open code.'),
  'owner.linkCode': method(
    NoInput,
    z.object({ code: z.string(), expiresAt: z.number() }),
    'A new one-time code to send the bot by DM (10 minutes; it replaces any earlier code).',
  ),
  'owner.unlink': method(NoInput, OwnerStatusSchema, 'Forget the linked Discord account.'),
  'owner.link': method(
    z.object({ code: z.string().trim().min(1).max(40) }).strict(),
    z.object({ userName: z.string() }),
    'Link the calling Discord user as the owner with the code shown in the app (sent to the bot by DM).',
  ),
  'owner.act': method(
    OwnerActInputSchema,
    z.object({
      message: z.string(),
      cancelled: CancelResultSchema.optional(),
    }),
    'An owner action (the linked Discord account or the desktop): pause, resume, cancel, block, unblock, restart ComfyUI, free VRAM.',
  ),
  'owner.overview': method(
    z.object({ topic: z.enum(['health', 'status']) }).strict(),
    OwnerOverviewSchema,
    'Health, the bot and the GPUs at a glance, for the owner on Discord (logged as a health or a status look).',
  ),
  'owner.actions': method(
    z
      .object({ limit: z.number().int().min(1).max(500).default(100) })
      .strict()
      .optional()
      .default({ limit: 100 }),
    z.array(OwnerActionSchema),
    'Owner actions, newest first.',
  ),
  'owner.blocks': method(NoInput, z.array(UserBlockSchema), 'Who may not generate, where and why.'),
};

export const ownerEvents = {
  /** The link changed, an action was logged, or a block was added or lifted. */
  'owner.changed': OwnerStatusSchema,
};
