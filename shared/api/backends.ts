/** ComfyUI backends (added by URL, found running, or launched) and the ComfyUI that ComfyDesk launches. */
import { z } from 'zod';
import { BackendAuthSchema, CertificateFingerprintSchema, CertificateInfoSchema } from '../backend-auth';
import { ComfySettingsPatchSchema, ComfySettingsSchema } from '../settings';
import { method, NoInput } from './define';
import { BackendSummarySchema } from './health';
import { LauncherTargetSchema } from './launcher';

const IdInput = z.object({ id: z.string().min(1).max(200) }).strict();

export const BackendAddInputSchema = z
  .object({
    /** e.g. http://192.168.1.20:8188 */
    url: z.string().trim().min(1).max(2000),
    name: z.string().trim().min(1).max(100).optional(),
    /** Save it even when it does not answer as ComfyUI right now (it is used once it does). */
    force: z.boolean().default(false),
    /** For a ComfyUI behind a reverse proxy: a bearer token, or a user name and password (kept as a secret). */
    auth: BackendAuthSchema.optional(),
    /** https: trust the one certificate with this SHA-256 fingerprint (e.g. a home lab's self-signed proxy). */
    trustCertificate: CertificateFingerprintSchema.optional(),
  })
  .strict();

/** The certificate an https address presents, and whether this computer trusts it as it is. */
export const PeerCertificateSchema = z.object({
  certificate: CertificateInfoSchema,
  trusted: z.boolean(),
  /** Why not, in words ("it is self-signed"); null when trusted. */
  reason: z.string().nullable(),
});
export type PeerCertificate = z.infer<typeof PeerCertificateSchema>;

export const LauncherStateSchema = z.enum(['stopped', 'starting', 'running', 'crashed', 'stopping']);

/** A start-up failure recognised in ComfyUI's output, with what fixes it. */
export const StartupProblemSchema = z.object({
  kind: z.enum(['gpu', 'port-taken', 'missing-module', 'frontend-missing']),
  problem: z.string(),
  /** What to do (commands in backticks). */
  fix: z.string(),
  /** Launch flags that would get it going, offered to add (e.g. ["--cpu"]). */
  suggestedArgs: z.array(z.string()).optional(),
});
export type StartupProblem = z.infer<typeof StartupProblemSchema>;

/** One launched ComfyUI's state (the whole launcher's, or one instance's: see below). */
const LauncherRunSchema = z.object({
  state: LauncherStateSchema,
  /** Where it answers while running. */
  url: z.string().nullable(),
  pid: z.number().int().nullable(),
  /**
   * Why the last start failed or the last run ended (exit code or signal), what comes next ("Restart 2 of 3 in
   * 4 s." / "Gave up after 3 restarts"), the recognised problem and its fix, and that run's last output lines.
   * Null while a start is under way.
   */
  error: z.string().nullable(),
  /** The launch settings changed since it started; they apply at the next restart. */
  restartNeeded: z.boolean(),
  /** The running ComfyUI was left running by the previous session and taken over. */
  adopted: z.boolean(),
  /** How the last run ended unexpectedly. */
  exit: z.object({ code: z.number().int().nullable(), signal: z.string().nullable() }).nullable(),
  /** The restart under way (inMs null) or scheduled after a crash. */
  restart: z.object({ attempt: z.number().int(), of: z.number().int(), inMs: z.number().int().nullable() }).nullable(),
  /** It crashed and the launcher gave up restarting it. */
  gaveUp: z.boolean(),
  problem: StartupProblemSchema.nullable(),
  /** Its backend record, once it was ready at least once. */
  backendId: z.string().nullable(),
});

/** One launched ComfyUI: the only one, or the one of a GPU (`--cuda-device N`) when several GPUs are chosen. */
export const LauncherInstanceSchema = LauncherRunSchema.extend({
  /** Its CUDA device; null for the single ComfyUI launched without `--cuda-device`. */
  device: z.number().int().nullable(),
  /** "GPU 1 · RTX 3060", or "ComfyUI" for the single one. */
  name: z.string(),
  /** The port of its current (or last) run. */
  port: z.number().int().nullable(),
  /** Restarts after a crash since it was last started or stopped by hand. */
  restarts: z.number().int().nonnegative(),
});
export type LauncherInstance = z.infer<typeof LauncherInstanceSchema>;

/**
 * The launcher as a whole: with one instance its state; with several, the most telling one (starting, else
 * running, …) and the errors of those that crashed, each named. `instances` has each one.
 */
export const LauncherStatusSchema = LauncherRunSchema.extend({ instances: z.array(LauncherInstanceSchema) });
export type LauncherStatus = z.infer<typeof LauncherStatusSchema>;

export const ComfyDeviceSchema = z.object({
  backendId: z.string(),
  backendName: z.string(),
  /** "NVIDIA GeForce RTX 4090", or "CPU". */
  name: z.string(),
  type: z.string(),
  vramTotal: z.number().nullable(),
  vramFree: z.number().nullable(),
});
export type ComfyDevice = z.infer<typeof ComfyDeviceSchema>;

/** One backend as the Queue page and /status show it: speed, current job, queue and VRAM. */
export const BackendActivitySchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(['offline', 'starting', 'idle', 'busy', 'error']),
  /** Measured ms for a 20-step 1-megapixel image (median of its recent runs); null before its first run. */
  msPerImage: z.number().nonnegative().nullable(),
  /** Measured cost of loading another model there (ms); null until measured. */
  modelSwitchMs: z.number().nonnegative().nullable(),
  /** The job it runs now. */
  current: z.object({ jobId: z.string(), workflow: z.string(), percent: z.number() }).nullable(),
  /** Jobs sent to it and waiting there. */
  queued: z.number().int().nonnegative(),
  vramFree: z.number().nullable(),
  vramTotal: z.number().nullable(),
});
export type BackendActivity = z.infer<typeof BackendActivitySchema>;

export const ComfyLogLineSchema = z.object({
  at: z.number(),
  stream: z.enum(['stdout', 'stderr']),
  text: z.string(),
  /** Which run of the launched ComfyUI printed it; each run begins with a line of ComfyDesk's ("── ComfyDesk: run 2: …"). */
  run: z.number().int().min(0),
  /** The instance that printed it: its CUDA device, null for the single ComfyUI. */
  device: z.number().int().nullable(),
});
export type ComfyLogLine = z.infer<typeof ComfyLogLineSchema>;

export const LaunchSettingsViewSchema = z.object({
  /** What is used: the settings' values, else the config file's. */
  launchPath: z.string().nullable(),
  autoLaunch: z.boolean(),
  extraArgs: z.array(z.string()),
  /** What the settings hold (settings.comfy). */
  saved: ComfySettingsSchema,
  /** What config.json / the environment say. */
  config: z.object({ launchPath: z.string().nullable(), autoLaunch: z.boolean() }),
  launcher: LauncherStatusSchema,
});
export type LaunchSettingsView = z.infer<typeof LaunchSettingsViewSchema>;

export const backendsMethods = {
  'backends.list': method(NoInput, z.array(BackendSummarySchema), 'Every ComfyUI backend with its status and version.'),
  'backends.add': method(
    BackendAddInputSchema,
    BackendSummarySchema,
    'Add a ComfyUI by URL. It is probed first; not ComfyUI or not answering is refused unless force is set.',
  ),
  'backends.remove': method(IdInput, z.array(BackendSummarySchema), 'Forget a backend; returns the backends left.'),
  'backends.activity': method(
    NoInput,
    z.array(BackendActivitySchema),
    'Every enabled backend with its measured speed, the job it runs, the jobs waiting on it and its free VRAM.',
  ),
  'backends.setAuth': method(
    IdInput.extend({ auth: BackendAuthSchema.nullable() }).strict(),
    BackendSummarySchema,
    'Set (or with null, remove) the token or user name and password a backend behind a reverse proxy wants; it reconnects with them.',
  ),
  'backends.certificate': method(
    z.object({ url: z.string().trim().min(1).max(2000) }).strict(),
    PeerCertificateSchema,
    'The certificate an https address presents, with its SHA-256 fingerprint (a TLS handshake only: nothing is sent).',
  ),
  'backends.trustCertificate': method(
    IdInput.extend({ fingerprint: CertificateFingerprintSchema.nullable() }).strict(),
    BackendSummarySchema,
    'Trust the one certificate with this SHA-256 fingerprint for an https backend (with null, only what the system trusts); it reconnects.',
  ),
  'backends.setEnabled': method(
    IdInput.extend({ enabled: z.boolean() }).strict(),
    BackendSummarySchema,
    'Use a backend for jobs, or stop using it (it stays in the list).',
  ),
  'backends.refresh': method(
    IdInput,
    z.object({
      backend: BackendSummarySchema,
      /** Node classes /object_info lists now. */
      nodeClasses: z.number().int().nonnegative(),
      /** Model files across its folders now. */
      modelFiles: z.number().int().nonnegative(),
    }),
    'Read a backend’s /object_info and model lists again (after adding files or custom nodes); its health checks run again.',
  ),
  'comfy.start': method(
    LauncherTargetSchema,
    LauncherStatusSchema,
    'Launch the configured local ComfyUI (every chosen GPU’s, or the one of `device`); answers once ready.',
  ),
  'comfy.stop': method(LauncherTargetSchema, LauncherStatusSchema, 'Stop the launched ComfyUI (all, or `device`’s).'),
  'comfy.restart': method(
    LauncherTargetSchema,
    LauncherStatusSchema,
    'Stop and start the launched ComfyUI (all, or `device`’s) with the current launch settings.',
  ),
  'comfy.logTail': method(
    LauncherTargetSchema,
    z.object({ lines: z.array(ComfyLogLineSchema) }),
    'The last output lines of the launched ComfyUI (all instances, or `device`’s).',
  ),
  'comfy.freeVram': method(
    z
      .object({ backendId: z.string().min(1).max(200).optional() })
      .strict()
      .optional()
      .default({}),
    z.object({ freed: z.array(z.string()) }),
    'Unload models and free memory on one backend, or on every online backend.',
  ),
  'comfy.devices': method(
    NoInput,
    z.array(ComfyDeviceSchema),
    'The GPUs (or CPU) of every online backend, with free memory, asked now (2 s at most each).',
  ),
  'models.list': method(
    z.object({ folder: z.string().regex(/^[a-z0-9_]{1,64}$/, 'a model folder name, e.g. checkpoints') }).strict(),
    z.object({ files: z.array(z.string()) }),
    'The files of one model folder across the online backends (e.g. loras), sorted.',
  ),
  'comfy.launchSettings': method(
    NoInput,
    LaunchSettingsViewSchema,
    'The launch settings in use, where they come from, and the launcher state.',
  ),
  'comfy.setLaunchSettings': method(
    ComfySettingsPatchSchema,
    LaunchSettingsViewSchema,
    'Change the launch settings (launchPath null clears it); a running ComfyUI uses them after a restart.',
  ),
};

export const backendsEvents = {
  /** A new output line of the launched ComfyUI. */
  'comfy.log': ComfyLogLineSchema,
  /** The launched ComfyUI changed state (starting, running, crashed, …). */
  'comfy.launcher': LauncherStatusSchema,
};
