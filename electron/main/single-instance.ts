/**
 * One ComfyDesk per user: a second launch hands over to the first (which comes to the front) and exits.
 */
import type { App } from 'electron';

/**
 * Returns false when another instance holds the lock: this process then quits and must not start anything.
 * Otherwise `focusExisting` runs whenever a later launch is refused.
 */
export function claimSingleInstance(
  app: Pick<App, 'requestSingleInstanceLock' | 'quit' | 'on'>,
  focusExisting: () => void,
): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', () => focusExisting());
  return true;
}
