import { z } from 'zod';
import { isTimeZone } from './sharing';

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
  /**
   * How long jobs on a ComfyUI that stopped answering wait for it (seconds). Past that it counts as gone: its
   * jobs run once on another ComfyUI that can take them, or fail saying why. A launched ComfyUI the launcher
   * gave up restarting is gone at once.
   */
  unreachableSeconds: z.number().int().min(5).max(3600).default(120),
});

export const DefaultsSettingsSchema = z.object({
  workflow: z.string().min(1).default('sdxl-txt2img'),
  delivery: DeliverySchema.default('channel'),
});

const ExtraArgsSchema = z.array(z.string().min(1).max(500)).max(64);

/** The highest CUDA device number accepted (ComfyUI's `--cuda-device N`). */
export const MAX_CUDA_DEVICE = 63;

/** CUDA device numbers, each once, in order (`[1, 0, 1]` is `[0, 1]`). */
const CudaDevicesSchema = z
  .array(z.number().int().min(0).max(MAX_CUDA_DEVICE))
  .max(16)
  .transform((devices) => [...new Set(devices)].sort((a, b) => a - b));

/** Launching a local ComfyUI. Set here, these override the config file's `comfy.launchPath` / `comfy.autoLaunch`. */
export const ComfySettingsSchema = z.object({
  /** A ComfyUI folder (with main.py) or a portable build's root. */
  launchPath: z.string().min(1).optional(),
  /** Start it with the app when no ComfyUI is found running. */
  autoLaunch: z.boolean().default(false),
  /** Extra command line flags for main.py, one per entry (e.g. "--lowvram"). */
  extraArgs: ExtraArgsSchema.default([]),
  /**
   * The GPUs to run ComfyUI on: one ComfyUI per device (`--cuda-device N`), each on its own port. Empty: one
   * ComfyUI, without `--cuda-device` (it picks its GPU itself).
   */
  cudaDevices: CudaDevicesSchema.default([]),
});
export type ComfySettings = z.infer<typeof ComfySettingsSchema>;

/** A change to the comfy group: `launchPath: null` clears the path. */
export const ComfySettingsPatchSchema = z
  .object({
    launchPath: z.string().min(1).nullable(),
    autoLaunch: z.boolean(),
    extraArgs: ExtraArgsSchema,
    cudaDevices: CudaDevicesSchema,
  })
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

/** Automatic database backups (`<data dir>/backups/`): one a day, and before every migration, restore and import. */
export const BackupSettingsSchema = z.object({
  daily: z.boolean().default(true),
  /** How many backups to keep; the oldest go first. */
  keep: z.number().int().min(1).max(100).default(7),
});

/**
 * Which outputs a retention rule looks at: the whole library, the desktop's own outputs, or one Discord server's
 * (`guild:<id>`).
 */
export const RetentionScopeSchema = z
  .string()
  .regex(/^(all|desktop|guild:[A-Za-z0-9_-]{1,64})$/, 'a scope is "all", "desktop" or "guild:<server id>"');
export type RetentionScope = z.infer<typeof RetentionScopeSchema>;

/**
 * One retention rule: outputs in its scope go when they are older than `olderThanDays`, when their maker has
 * `keepLastPerUser` newer ones, or when the scope is over `maxGb` (oldest first). Favourites and outputs a
 * template or an unfinished job uses never go.
 */
export const RetentionRuleSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'a rule id is 1–40 letters, digits, - or _'),
    scope: RetentionScopeSchema,
    keepLastPerUser: z.number().int().min(1).max(1_000_000).nullable().default(null),
    maxGb: z.number().min(0.01).max(1_000_000).nullable().default(null),
    olderThanDays: z.number().int().min(1).max(36_500).nullable().default(null),
  })
  .refine((r) => r.keepLastPerUser !== null || r.maxGb !== null || r.olderThanDays !== null, {
    message: 'a rule needs at least one limit: keep the last N per person, at most N GB, or older than N days',
  });
export type RetentionRule = z.infer<typeof RetentionRuleSchema>;

export const RetentionSettingsSchema = z.object({
  /** Apply the rules once a day (otherwise only when asked). */
  daily: z.boolean().default(false),
  rules: z.array(RetentionRuleSchema).max(50).default([]),
});
export type RetentionSettings = z.infer<typeof RetentionSettingsSchema>;

/** Updating the desktop app (installer builds; see electron/core/updates). */
export const UpdateChannelSchema = z.enum(['stable', 'beta']);
export type UpdateChannel = z.infer<typeof UpdateChannelSchema>;
export const UpdateSettingsSchema = z.object({
  /** Look for a new version at start and once a day, and download it in the background. */
  autoCheck: z.boolean().default(true),
  /** `beta` is also offered pre-releases (a version like 1.4.0-beta.2). */
  channel: UpdateChannelSchema.default('stable'),
});

/**
 * Sharing the GPU: the fair share's window, a daily cap for every Discord user, and the time zone days are
 * counted in where a server has none of its own.
 */
export const UsageSettingsSchema = z.object({
  /** The next job goes to whoever used the least GPU time over this many minutes (weighted by their share). */
  windowMinutes: z
    .number()
    .int()
    .min(5)
    .max(7 * 24 * 60)
    .default(60),
  /** GPU minutes per day any one Discord user may use across every server; null = no cap. */
  dailyCapMinutes: z
    .number()
    .int()
    .min(0)
    .max(24 * 60)
    .nullable()
    .default(null),
  /** IANA time zone for the cap, the Usage page and servers without their own; '' = this computer's. */
  timeZone: z
    .string()
    .trim()
    .max(64)
    .refine((tz) => tz === '' || isTimeZone(tz), 'an IANA time zone name, e.g. Europe/Berlin, or empty')
    .default(''),
});
export type UsageSettings = z.infer<typeof UsageSettingsSchema>;

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
  backups: BackupSettingsSchema.default(BackupSettingsSchema.parse({})),
  retention: RetentionSettingsSchema.default(RetentionSettingsSchema.parse({})),
  updates: UpdateSettingsSchema.default(UpdateSettingsSchema.parse({})),
  usage: UsageSettingsSchema.default(UsageSettingsSchema.parse({})),
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
    backups: patchOf(BackupSettingsSchema),
    /** `rules` replaces the whole list. */
    retention: patchOf(RetentionSettingsSchema),
    updates: patchOf(UpdateSettingsSchema),
    usage: patchOf(UsageSettingsSchema),
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
    backups: { ...current.backups, ...patch.backups },
    retention: { ...current.retention, ...patch.retention },
    updates: { ...current.updates, ...patch.updates },
    usage: { ...current.usage, ...patch.usage },
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
