/**
 * The quit sequence, run once however many times quit is asked for (tray, menu, Cmd+Q, window close, OS
 * shutdown): stop the Discord bot, stop the core (it finishes pending writes, closes ComfyUI connections and
 * stops a ComfyUI it launched), then exit. A step that fails or hangs is logged and never keeps the app alive.
 */
import type { Logger } from '@core/log';

export interface QuitSteps {
  stopBot(): Promise<unknown>;
  stopCore(): Promise<unknown>;
  /** app.exit: leaves without emitting before-quit again. */
  exit(code: number): void;
  /** Run before the steps (hide windows, destroy the tray). */
  beforeStop?(): void;
  logger: Logger;
  /** Longest wait for one step; default 15 s. */
  stepTimeoutMs?: number;
}

export interface QuitSequence {
  /**
   * Starts the sequence, or returns the one already running. `finish` replaces the exit at its end (the updater
   * installs and restarts instead); it is ignored when a quit is already under way.
   */
  quit(finish?: () => void): Promise<void>;
  isQuitting(): boolean;
  /** Every step ran: an app.quit() now (the updater's) may go through. */
  isDone(): boolean;
}

function withTimeout(label: string, run: () => Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label} took longer than ${ms} ms`)), ms);
    timer.unref?.();
  });
  return Promise.race([Promise.resolve().then(run), timeout]).finally(() => clearTimeout(timer));
}

export function createQuitSequence(steps: QuitSteps): QuitSequence {
  const ms = steps.stepTimeoutMs ?? 15_000;
  let running: Promise<void> | null = null;
  let done = false;

  const step = async (label: string, run: () => Promise<unknown>): Promise<void> => {
    try {
      await withTimeout(label, run, ms);
    } catch (err) {
      steps.logger.warn(`quit: ${label} failed`, { error: err });
    }
  };

  const sequence = async (finish?: () => void): Promise<void> => {
    steps.logger.info('quitting');
    try {
      steps.beforeStop?.();
    } catch (err) {
      steps.logger.warn('quit: closing windows failed', { error: err });
    }
    await step('stopping the Discord bot', steps.stopBot);
    await step('stopping the core', steps.stopCore);
    done = true;
    if (!finish) return steps.exit(0);
    try {
      finish();
    } catch (err) {
      steps.logger.warn('quit: the last step failed; exiting', { error: err });
      steps.exit(0);
    }
  };

  return {
    quit(finish) {
      running ??= sequence(finish);
      return running;
    },
    isQuitting: () => running !== null,
    isDone: () => done,
  };
}
