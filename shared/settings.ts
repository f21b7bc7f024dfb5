import { z } from 'zod';

/**
 * User-editable settings, stored in SQLite (settings table, one row per top-level key) and edited from the
 * renderer. Boot-time options (data dir, ports, ComfyUI URLs from the environment) live in the core's config.
 */
export const ThemeSchema = z.enum(['dark', 'light', 'system']);
export const DeliverySchema = z.enum(['channel', 'dm']);
export type Delivery = z.infer<typeof DeliverySchema>;

export const NotificationSettingsSchema = z.object({
  jobFailed: z.boolean().default(true),
  comfyStatus: z.boolean().default(true),
  botDisconnected: z.boolean().default(true),
});

export const QueueSettingsSchema = z.object({
  /** Queued + running jobs one user may hold (Discord guilds may lower it). */
  perUserLimit: z.number().int().min(1).max(100).default(3),
  /** Queued + running jobs across everyone. */
  globalLimit: z.number().int().min(1).max(10_000).default(100),
  /** The desktop user's own jobs go before Discord users' jobs. */
  desktopPriority: z.boolean().default(true),
  paused: z.boolean().default(false),
  /**
   * How long a job waits for a ComfyUI that is offline or starting before it fails with the reason (minutes).
   * A job no ComfyUI can ever run (files or nodes missing) fails at once instead.
   */
  backendWaitMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(10),
});

export const DefaultsSettingsSchema = z.object({
  workflow: z.string().min(1).default('sdxl-txt2img'),
  delivery: DeliverySchema.default('channel'),
});

const ExtraArgsSchema = z.array(z.string().min(1).max(500)).max(64);

/** Launching a local ComfyUI. Set here, these override the config file's `comfy.launchPath` / `comfy.autoLaunch`. */
export const ComfySettingsSchema = z.object({
  /** A ComfyUI folder (with main.py) or a portable build's root. */
  launchPath: z.string().min(1).optional(),
  /** Start it with the app when no ComfyUI is found running. */
  autoLaunch: z.boolean().default(false),
  /** Extra command line flags for main.py, one per entry (e.g. "--lowvram"). */
  extraArgs: ExtraArgsSchema.default([]),
});
export type ComfySettings = z.infer<typeof ComfySettingsSchema>;

/** A change to the comfy group: `launchPath: null` clears the path. */
export const ComfySettingsPatchSchema = z
  .object({ launchPath: z.string().min(1).nullable(), autoLaunch: z.boolean(), extraArgs: ExtraArgsSchema })
  .partial()
  .strict();
export type ComfySettingsPatch = z.infer<typeof ComfySettingsPatchSchema>;

export const DiscordSettingsSchema = z.object({
  /**
   * Also register the slash commands globally (every server the bot is in, and DMs). Per-server registration on
   * start and on join is always done and takes effect at once; global registration can take up to an hour.
   */
  registerGlobally: z.boolean().default(false),
});

/** Updating the desktop app (installer builds; see electron/core/updates). */
export const UpdateChannelSchema = z.enum(['stable', 'beta']);
export type UpdateChannel = z.infer<typeof UpdateChannelSchema>;
export const UpdateSettingsSchema = z.object({
  /** Look for a new version at start and once a day, and download it in the background. */
  autoCheck: z.boolean().default(true),
  /** `beta` is also offered pre-releases (a version like 1.4.0-beta.2). */
  channel: UpdateChannelSchema.default('stable'),
});

export const SettingsSchema = z.object({
  theme: ThemeSchema.default('dark'),
  closeToTray: z.boolean().default(true),
  startAtLogin: z.boolean().default(false),
  notifications: NotificationSettingsSchema.default(NotificationSettingsSchema.parse({})),
  queue: QueueSettingsSchema.default(QueueSettingsSchema.parse({})),
  defaults: DefaultsSettingsSchema.default(DefaultsSettingsSchema.parse({})),
  /** Model file names by settings key (e.g. "models.sdxl.checkpoint" -> "sd_xl_base_1.0.safetensors"). */
  models: z.record(z.string().min(1), z.string().min(1)).default({}),
  comfy: ComfySettingsSchema.default(ComfySettingsSchema.parse({})),
  discord: DiscordSettingsSchema.default(DiscordSettingsSchema.parse({})),
  updates: UpdateSettingsSchema.default(UpdateSettingsSchema.parse({})),
});
export type Settings = z.infer<typeof SettingsSchema>;
export type SettingsKey = keyof Settings;

type PatchShape<S extends z.ZodRawShape> = {
  [K in keyof S]: z.ZodOptional<S[K] extends z.ZodDefault<infer I> ? I : S[K]>;
};

/**
 * A group's fields, each optional and without its default. (zod 4's `.partial()` keeps defaults, so a patch
 * `{ queue: { perUserLimit: 5 } }` would also reset `paused` and `globalLimit`.)
 */
function patchOf<S extends z.ZodRawShape>(schema: z.ZodObject<S>): z.ZodObject<PatchShape<S>> {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(schema.shape) as [string, z.ZodType][]) {
    shape[key] = (field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : field).optional();
  }
  return z.object(shape) as unknown as z.ZodObject<PatchShape<S>>;
}

/** A change to settings: any top-level key, nested groups partially (a field left out keeps its value). */
export const SettingsPatchSchema = z
  .object({
    theme: ThemeSchema,
    closeToTray: z.boolean(),
    startAtLogin: z.boolean(),
    notifications: patchOf(NotificationSettingsSchema),
    queue: patchOf(QueueSettingsSchema),
    defaults: patchOf(DefaultsSettingsSchema),
    models: z.record(z.string().min(1), z.string().min(1)),
    comfy: ComfySettingsPatchSchema,
    discord: patchOf(DiscordSettingsSchema),
    updates: patchOf(UpdateSettingsSchema),
  })
  .partial()
  .strict();
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

export const defaultSettings = (): Settings => SettingsSchema.parse({});

/** Apply a patch: nested groups merge, `models` merges key by key. */
export function applySettingsPatch(current: Settings, patch: SettingsPatch): Settings {
  return SettingsSchema.parse({
    ...current,
    ...patch,
    notifications: { ...current.notifications, ...patch.notifications },
    queue: { ...current.queue, ...patch.queue },
    defaults: { ...current.defaults, ...patch.defaults },
    models: { ...current.models, ...patch.models },
    comfy: applyComfyPatch(current.comfy, patch.comfy),
    discord: { ...current.discord, ...patch.discord },
    updates: { ...current.updates, ...patch.updates },
  });
}

function applyComfyPatch(current: ComfySettings, patch: ComfySettingsPatch | undefined): ComfySettings {
  if (!patch) return current;
  const { launchPath, ...rest } = patch;
  const next: ComfySettings = { ...current, ...rest };
  if (launchPath === null) delete next.launchPath;
  else if (launchPath !== undefined) next.launchPath = launchPath;
  return next;
}
