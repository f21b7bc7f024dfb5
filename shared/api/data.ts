/**
 * Your data, safe and yours: database backups and restore, the integrity check at start, the settings export and
 * import, library retention and the library's orphan scan. Owner only.
 */
import { z } from 'zod';
import { MAX_EXPORT_BYTES } from '../data-export';
import { RetentionRuleSchema } from '../settings';
import { method, NoInput } from './define';

export const BACKUP_REASONS = ['daily', 'manual', 'pre-migration', 'pre-restore', 'pre-import'] as const;
export const BackupReasonSchema = z.enum(BACKUP_REASONS);
export type BackupReason = z.infer<typeof BackupReasonSchema>;

/** A backup's file name, `comfydesk-<UTC time>-<reason>[-n].db`: nothing that could leave the backups folder. */
export const BACKUP_NAME = new RegExp(
  `^comfydesk-(\\d{8}T\\d{6}Z)-(${BACKUP_REASONS.join('|')})(?:-(\\d{1,4}))?\\.db$`,
);
export const BackupNameSchema = z.string().max(120).regex(BACKUP_NAME, 'not the name of a ComfyDesk backup');

export const BackupSchema = z.object({
  name: BackupNameSchema,
  reason: BackupReasonSchema,
  createdAt: z.number(),
  bytes: z.number().int().nonnegative(),
});
export type Backup = z.infer<typeof BackupSchema>;

export const RetentionSummarySchema = z.object({
  /** True for a dry run: nothing was deleted. */
  dryRun: z.boolean(),
  at: z.number(),
  count: z.number().int().nonnegative(),
  bytes: z.number().nonnegative(),
  /** When the oldest and newest output that goes were made (null when none goes). */
  oldest: z.number().nullable(),
  newest: z.number().nullable(),
  /** Outputs a rule would remove but that stay: favourites, used by a template or by an unfinished job. */
  kept: z.number().int().nonnegative(),
  byRule: z.array(z.object({ ruleId: z.string(), count: z.number().int().nonnegative(), bytes: z.number() })),
});
export type RetentionSummary = z.infer<typeof RetentionSummarySchema>;

export const OrphanReportSchema = z.object({
  at: z.number(),
  /** Library files no output row points at: moved to `orphansDir` (same relative path), never deleted. */
  filesWithoutRows: z.number().int().nonnegative(),
  filesMovedAside: z.number().int().nonnegative(),
  orphansDir: z.string(),
  /** Output rows whose file is gone: put back from `orphansDir` when it is there, else removed. */
  rowsWithoutFiles: z.number().int().nonnegative(),
  rowsRelinked: z.number().int().nonnegative(),
  rowsRemoved: z.number().int().nonnegative(),
  /** Thumbnails of no output (they are made again when needed). */
  thumbnailsRemoved: z.number().int().nonnegative(),
  /** Why the scan only reported and fixed nothing (the library folder looks unplugged), else null. */
  notFixed: z.string().nullable(),
});
export type OrphanReport = z.infer<typeof OrphanReportSchema>;

export const DataStatusSchema = z.object({
  /** `damaged`: the database failed its check at start; only restoring a backup (or starting fresh) is offered. */
  database: z.enum(['ok', 'damaged']),
  /** Why the database was refused, in words. */
  problem: z.string().nullable(),
  /** The newest backup that passed its check (damaged state only; null when none did). */
  candidate: BackupSchema.nullable(),
  dataDir: z.string(),
  backupsDir: z.string(),
  backups: z.array(BackupSchema),
  lastBackupAt: z.number().nullable(),
  lastRetention: RetentionSummarySchema.nullable(),
  lastOrphans: OrphanReportSchema.nullable(),
});
export type DataStatus = z.infer<typeof DataStatusSchema>;

export const RestoreInputSchema = z.discriminatedUnion('from', [
  /** The newest backup that passes its check. */
  z.object({ from: z.literal('newest') }).strict(),
  z.object({ from: z.literal('backup'), name: BackupNameSchema }).strict(),
  /** Any file on this machine (a backup copied from elsewhere). */
  z
    .object({
      from: z.literal('file'),
      path: z
        .string()
        .min(1)
        .max(4096)
        .refine((p) => !p.includes('\u0000'), 'a path has no NUL character'),
    })
    .strict(),
]);
export type RestoreInput = z.infer<typeof RestoreInputSchema>;

export const RestoreResultSchema = z.object({
  restoredFrom: z.string(),
  /** The backup of the state before the restore (null when that state was the damaged file). */
  safetyBackup: BackupNameSchema.nullable(),
  /** Where the damaged database was kept (null when there was none). */
  damagedFile: z.string().nullable(),
  schemaVersion: z.number().int(),
});
export type RestoreResult = z.infer<typeof RestoreResultSchema>;

const NameList = z.array(z.string());
const Changes = z.object({ added: NameList, changed: NameList, unchanged: z.number().int().nonnegative() });

export const ImportPreviewSchema = z.object({
  exportedAt: z.number(),
  appVersion: z.string(),
  /** Each setting that changes, by its dotted path, with its value now and after. */
  settings: z.array(z.object({ path: z.string(), from: z.unknown(), to: z.unknown() })),
  templates: Changes,
  workflows: Changes,
  guilds: Changes,
  /** Things to know before importing (a template names a workflow this app does not have…). */
  warnings: z.array(z.string()),
});
export type ImportPreview = z.infer<typeof ImportPreviewSchema>;

const ExportContent = z
  .string()
  .min(1, 'the file is empty')
  .max(MAX_EXPORT_BYTES, `an export file is at most ${MAX_EXPORT_BYTES / 1024 / 1024} MB`);

export const dataMethods = {
  'data.status': method(
    NoInput,
    DataStatusSchema,
    'The database (ok or damaged at start), its backups, the last retention run and the last orphan scan.',
  ),
  'data.backupNow': method(NoInput, BackupSchema, 'Back the database up now (SQLite online backup); returns it.'),
  'data.restore': method(
    RestoreInputSchema,
    RestoreResultSchema,
    'Restore the database from a backup (checked first; the current state is backed up first), then restart the core.',
  ),
  'data.startFresh': method(
    NoInput,
    z.object({ damagedFile: z.string() }),
    'Damaged database only: keep it aside and start with an empty one.',
  ),
  'data.export': method(
    NoInput,
    z.object({
      fileName: z.string(),
      content: z.string(),
      counts: z.object({
        templates: z.number().int(),
        workflows: z.number().int(),
        guilds: z.number().int(),
      }),
    }),
    'Settings, templates, imported workflows, server settings and role maps as one JSON file (no secrets).',
  ),
  'data.importPreview': method(
    z.object({ content: ExportContent }).strict(),
    ImportPreviewSchema,
    'Check an export file and say what importing it would change, without changing anything.',
  ),
  'data.import': method(
    z.object({ content: ExportContent }).strict(),
    ImportPreviewSchema.extend({ backup: BackupNameSchema }),
    'Import an export file (backed up first); returns what changed.',
  ),
  'data.retentionPreview': method(
    z
      .object({ rules: z.array(RetentionRuleSchema).max(50).optional() })
      .strict()
      .optional()
      .default({}),
    RetentionSummarySchema,
    'Dry run of the retention rules (the saved ones, or these): what would go, deleting nothing.',
  ),
  'data.retentionRun': method(
    NoInput,
    RetentionSummarySchema,
    'Apply the saved retention rules now: files, thumbnails and rows go together.',
  ),
  'data.scanOrphans': method(
    NoInput,
    OrphanReportSchema,
    'Find and fix library files without rows and rows without files.',
  ),
};

export const dataEvents = {
  /** Backups, the last retention run or the last orphan scan changed. */
  'data.changed': DataStatusSchema,
  /** The core restarted on another database (after a restore or a fresh start): reload everything. */
  'data.restarted': z.object({ reason: z.enum(['restore', 'fresh']), at: z.number() }),
};
