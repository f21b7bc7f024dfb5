/** A light stand-in for the output library in long job runs (soak, multi-GPU): keeps no file, only counts. */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Job } from '@shared/jobs';
import type { Output } from '@shared/library';
import type { CollectedFile } from '@core/comfy/protocol/collect-outputs';
import type { JobLibrary } from '@core/jobs/types';

/** A library that keeps no file but counts, per job, how often it was given results (each must be once). */
export class CountingLibrary implements JobLibrary {
  readonly ingests = new Map<string, number>();
  private readonly outputs = new Map<string, Output[]>();
  private nextId = 1;
  constructor(private readonly dir: string) {}
  incomingDir(jobId: string): string {
    const d = join(this.dir, jobId);
    mkdirSync(d, { recursive: true });
    return d;
  }
  ingest(job: Job, files: CollectedFile[]): Promise<Output[]> {
    this.ingests.set(job.id, (this.ingests.get(job.id) ?? 0) + 1);
    rmSync(join(this.dir, job.id), { recursive: true, force: true });
    const outputs = files.map((f): Output => ({
      id: this.nextId++,
      jobId: job.id,
      filePath: f.path,
      kind: f.kind === 'video' ? 'video' : 'image',
      mime: 'image/png',
      width: null,
      height: null,
      bytes: f.bytes,
      thumbnailPath: null,
      favourite: false,
      userId: job.userId,
      guildId: job.guildId,
      workflow: job.workflow,
      prompt: job.prompt,
      negative: job.negative,
      seed: null,
      createdAt: 0,
    }));
    this.outputs.set(job.id, outputs);
    return Promise.resolve(outputs);
  }
  byJob(jobId: string): Output[] {
    return this.outputs.get(jobId) ?? [];
  }
}
