/**
 * Acknowledgements first: while any interaction is still waiting for its first response (Discord's 3 s), the
 * slower work of interactions already acknowledged (downloads, jobs.submit, the progress message) waits. In a
 * burst every command is acknowledged before the queue work starts; under steady load the wait is capped so
 * nothing starves.
 */
export class AckGate {
  private pending = 0;
  private waiters: Array<() => void> = [];

  constructor(private readonly maxWaitMs = 750) {}

  /** An interaction is about to be acknowledged; call the returned function once it is (or failed). */
  begin(): () => void {
    this.pending++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.pending--;
      if (this.pending === 0) this.release();
    };
  }

  /** Resolves when no acknowledgement is outstanding (or after the cap). */
  clear(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== finish);
        resolve();
      }, this.maxWaitMs);
      timer.unref?.();
      const finish = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push(finish);
    });
  }

  private release(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
