/**
 * Time, interrupt and hold control for the fake executor. Every wait is a timer (never a busy loop) and
 * every wait can be aborted by crash()/restart(), which rejects it with ABORTED.
 */
import { EventEmitter } from 'node:events';

export const ABORTED = Symbol('aborted');

/** Thrown inside the executor when the interrupt flag is seen (InterruptProcessingException). */
export class Interrupted extends Error {
  constructor() {
    super('interrupted');
  }
}

export interface RunControlEvents {
  held: [promptId: string];
}

export class RunControl extends EventEmitter<RunControlEvents> {
  /** comfy.model_management.interrupt_processing: one global flag (comfyui-api.md section 3, "Interrupt"). */
  interruptFlag = false;
  private generation = 0;
  private readonly pending = new Set<{
    timer: NodeJS.Timeout | NodeJS.Immediate | null;
    reject: (e: unknown) => void;
  }>();
  private hold: { promptId: string; resume: () => void } | null = null;
  private readonly preReleased = new Set<string>();
  private releaseRunning: string | null = null;

  get gen(): number {
    return this.generation;
  }

  /** Throws ABORTED when the executor generation `gen` was aborted. */
  check(gen: number): void {
    if (gen !== this.generation) throw ABORTED;
  }

  /** Wait `ms` (0: just yield to the event loop). */
  wait(ms: number, gen: number): Promise<void> {
    this.check(gen);
    return new Promise<void>((resolve, reject) => {
      const entry = {
        timer: null as NodeJS.Timeout | NodeJS.Immediate | null,
        reject,
      };
      const done = (): void => {
        this.pending.delete(entry);
        if (gen !== this.generation) reject(ABORTED);
        else resolve();
      };
      entry.timer = ms > 0 ? setTimeout(done, ms) : setImmediate(done);
      this.pending.add(entry);
    });
  }

  /** Raise Interrupted when the flag is set; clears it, as the server does. */
  checkInterrupt(): void {
    if (this.interruptFlag) {
      this.interruptFlag = false;
      throw new Interrupted();
    }
  }

  /** Pause `promptId` until release() or an interrupt (which then raises at the caller's check). */
  async holdHere(promptId: string, gen: number): Promise<void> {
    this.check(gen);
    if (this.preReleased.delete(promptId) || this.releaseRunning === promptId) return;
    if (this.interruptFlag) return;
    await new Promise<void>((resolve, reject) => {
      const entry = { timer: null, reject };
      this.pending.add(entry);
      this.hold = {
        promptId,
        resume: () => {
          this.pending.delete(entry);
          this.hold = null;
          if (gen !== this.generation) reject(ABORTED);
          else resolve();
        },
      };
      this.emit('held', promptId);
    });
  }

  heldPromptId(): string | null {
    return this.hold?.promptId ?? null;
  }

  /**
   * Release the held prompt (or `promptId`, even before it reaches its hold point). Without an id and with
   * nothing held, the running prompt `runningId` will not hold.
   */
  release(promptId: string | undefined, runningId: string | null): void {
    if (this.hold && (promptId === undefined || promptId === this.hold.promptId)) {
      this.hold.resume();
      return;
    }
    if (promptId !== undefined) this.preReleased.add(promptId);
    else if (runningId) this.releaseRunning = runningId;
  }

  /** Set the interrupt flag; a held prompt wakes up and sees it. */
  interrupt(): void {
    this.interruptFlag = true;
    this.hold?.resume();
  }

  /** Start of a prompt: execute_async() resets the flag. */
  beginPrompt(): void {
    this.interruptFlag = false;
  }

  /** Abort every wait of the current generation (crash / restart / close). */
  abortAll(): void {
    this.generation++;
    for (const entry of this.pending) {
      if (entry.timer) {
        clearTimeout(entry.timer as NodeJS.Timeout);
        clearImmediate(entry.timer as NodeJS.Immediate);
      }
      entry.reject(ABORTED);
    }
    this.pending.clear();
    this.hold = null;
    this.preReleased.clear();
    this.releaseRunning = null;
    this.interruptFlag = false;
  }
}
