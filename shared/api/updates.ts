/**
 * Updating the desktop app: what the updater knows (a new version, its notes, the download) and the one action a
 * user takes ("Restart to update"), which waits while a job runs or the bot is delivering results.
 */
import { z } from 'zod';
import { method, NoInput } from './define';

/**
 * How this copy was installed, which decides how it updates: the Windows installer, the macOS app, the AppImage
 * update themselves; the .deb is updated through the package; a development run or an unpacked folder not at all;
 * headless from its checkout.
 */
export const InstallKindSchema = z.enum(['nsis', 'mac', 'appimage', 'deb', 'unpacked', 'development', 'headless']);
export type InstallKind = z.infer<typeof InstallKindSchema>;

export const UpdateStatusSchema = z.enum([
  /** This copy does not update itself (see `manual`). */
  'unsupported',
  /** Nothing checked yet in this run. */
  'idle',
  'checking',
  'up-to-date',
  /** A newer version exists; an installer build downloads it at once, a .deb user updates through the package. */
  'available',
  'downloading',
  /** Downloaded: "Restart to update" installs it. */
  'downloaded',
  'error',
]);
export type UpdateStatus = z.infer<typeof UpdateStatusSchema>;

export const UpdateStateSchema = z.object({
  install: InstallKindSchema,
  status: UpdateStatusSchema,
  /** The running version. */
  current: z.string(),
  /** The version found (available, downloading, downloaded), else null. */
  version: z.string().nullable(),
  /** Its release notes as plain text, null when it has none. */
  releaseNotes: z.string().nullable(),
  /** Download progress, 0–100, while downloading. */
  percent: z.number().min(0).max(100).nullable(),
  /** The channel checked: `stable`, or `beta` (pre-releases too). */
  channel: z.enum(['stable', 'beta']),
  autoCheck: z.boolean(),
  lastCheckAt: z.number().nullable(),
  /** When the next automatic check is due, null when none is planned. */
  nextCheckAt: z.number().nullable(),
  /** Why the last check or download failed. */
  error: z.string().nullable(),
  /** What keeps a restart from happening right now ("2 jobs are running"), null when it may restart. */
  restartBlockedBy: z.string().nullable(),
  /** The user asked to restart; it happens as soon as nothing blocks it. */
  restartPending: z.boolean(),
  /** For copies that do not update themselves: how to update this one. */
  manual: z.string().nullable(),
  /** Where every release is listed (installers for a manual update). */
  releasesUrl: z.string().nullable(),
});
export type UpdateState = z.infer<typeof UpdateStateSchema>;

export const updatesMethods = {
  'updates.status': method(
    NoInput,
    UpdateStateSchema,
    'What the updater knows: current and new version, notes, download.',
  ),
  'updates.check': method(NoInput, UpdateStateSchema, 'Look for a new version now (answers when the check is done).'),
  'updates.restart': method(
    NoInput,
    UpdateStateSchema,
    'Restart into the downloaded update; while a job runs or the bot is delivering, it waits until they finish.',
  ),
  'updates.cancelRestart': method(NoInput, UpdateStateSchema, 'Do not restart after all (the update stays ready).'),
};

export const updatesEvents = {
  'updates.changed': UpdateStateSchema,
};
