import { z } from 'zod';
import { method, NoInput } from './define';

export const AppInfoSchema = z.object({
  name: z.literal('ComfyDesk'),
  version: z.string(),
  /** Which shell the core runs in. */
  mode: z.enum(['desktop', 'headless']),
  platform: z.string(),
  node: z.string(),
  dataDir: z.string(),
  libraryDir: z.string(),
  startedAt: z.number(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const appMethods = {
  'app.info': method(NoInput, AppInfoSchema, 'Version, mode and folders of the running core.'),
};
