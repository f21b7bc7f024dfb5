/**
 * The download queue: catalogue files and pasted links fetched into a backend's model folder, two at a time (the
 * rest wait, oldest first), every state kept in SQLite so a download resumes from its `.part` file after an app
 * restart. Emits `download.changed` on every state change and `download.progress` (throttled) while bytes flow;
 * when a file lands, the backends read that folder again and `models.changed` is emitted.
 */
import { rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { refusal } from '@shared/api';
import type { DownloadStart } from '@shared/api/models';
import type { BackendRecord } from '@shared/backends';
import {
  type Destination,
  type DownloadFolder,
  type DownloadService,
  type DownloadTokens,
  type DownloadView,
} from '@shared/downloads';
import type { Clock } from '@core/clock';
import type { EventBus } from '@core/events';
import { nullLogger, type Logger } from '@core/log';
import type { SecretStore } from '@core/secrets';
import { downloadView, type DownloadRecord, type DownloadsRepo } from '@core/store/downloads-repo';
import type { ModelCatalog } from './catalog';
import { resolveDestination, type DestinationDeps } from './destinations';
import { defaultFreeSpace, fileSize, partPath } from './disk';
import { DownloadError } from './download-errors';
import { planDownload } from './download-requests';
import { extensionNote } from './file-name';
import { DEFAULT_SERVICE_HOSTS, SERVICE_NAMES, SERVICE_SECRETS, type ServiceHosts } from './hosts';
import { DEFAULT_DOWNLOAD_TIMEOUTS, downloadAgent, type DownloadTimeouts } from './http-get';
import { ProgressMeter } from './progress-meter';
import { runTransfer, type TransferDeps } from './transfer';

export interface DownloadTuning {
  timeouts: DownloadTimeouts;
  /** Waits before each retry of a dropped connection (default 1 s, 5 s, 15 s, 30 s, 60 s). */
  retryDelaysMs: readonly number[];
  hosts: ServiceHosts;
  /** Free bytes on the drive of a folder (default `fs.statfs`). */
  freeSpace(dir: string): Promise<number>;
  /** Bytes kept free beyond a file (default 512 MB or 2 % of it, whichever is more). */
  spareBytes(total: number): number;
  maxConcurrent: number;
  progressIntervalMs: number;
}

export interface DownloadManagerOptions {
  repo: DownloadsRepo;
  events: EventBus;
  catalog: ModelCatalog;
  secrets: SecretStore;
  destinations: Omit<DestinationDeps, 'freeSpace'>;
  /** The backend records, in the order one is chosen when the caller names none. */
  backends(): BackendRecord[];
  /** A file landed in this folder: the backends read it again; resolves with those that did. */
  filesChanged(folder: DownloadFolder): Promise<string[]>;
  clock: Clock;
  logger?: Logger;
  newId?: () => string;
  tuning?: Partial<DownloadTuning>;
}

const STOPPING = new Error('stopping');
const CANCELLED = new Error('cancelled');

interface Running {
  controller: AbortController;
  done: Promise<void>;
}

export class DownloadManager {
  private readonly tuning: DownloadTuning;
  private readonly dispatcher: Dispatcher;
  private readonly log: Logger;
  private readonly newId: () => string;
  private readonly running = new Map<string, Running>();
  private enqueueing: Promise<unknown> = Promise.resolve();
  private started = false;

  constructor(private readonly o: DownloadManagerOptions) {
    this.log = (o.logger ?? nullLogger).child('downloads');
    this.newId = o.newId ?? randomUUID;
    this.tuning = {
      timeouts: DEFAULT_DOWNLOAD_TIMEOUTS,
      retryDelaysMs: [1000, 5000, 15_000, 30_000, 60_000],
      hosts: DEFAULT_SERVICE_HOSTS,
      freeSpace: defaultFreeSpace,
      spareBytes: (total) => Math.max(512 * 1024 * 1024, Math.ceil(total * 0.02)),
      maxConcurrent: 2,
      progressIntervalMs: 250,
      ...o.tuning,
    };
    this.dispatcher = downloadAgent(this.tuning.timeouts);
  }

  /** Downloads that were running when the app last stopped go on from their part files. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const n = this.o.repo.requeueInterrupted();
    if (n > 0) this.log.info('resuming downloads', { count: n });
    this.pump();
  }

  /** Stop every running download, keeping its part file and its place in the queue for the next start. */
  async stop(): Promise<void> {
    this.started = false;
    const running = [...this.running.values()];
    for (const r of running) r.controller.abort(STOPPING);
    await Promise.all(running.map((r) => r.done));
    await this.dispatcher.close().catch(() => {});
  }

  list(): DownloadView[] {
    return this.o.repo.list().map(downloadView);
  }

  /** Queued and running downloads (for the catalogue view). */
  active(): DownloadRecord[] {
    return this.o.repo.active();
  }

  destination(backendId: string, folder: DownloadFolder): Promise<Destination> {
    return resolveDestination({ ...this.o.destinations, freeSpace: this.tuning.freeSpace }, backendId, folder);
  }

  /**
   * Queue a catalogue file or a link. Refusals known before any byte (where, space, exists) are thrown. Requests
   * are planned one at a time, so the same file asked twice at once is one download.
   */
  enqueue(input: DownloadStart): Promise<DownloadView> {
    const next = this.enqueueing.then(() => this.enqueueNow(input));
    this.enqueueing = next.catch(() => {});
    return next;
  }

  private async enqueueNow(input: DownloadStart): Promise<DownloadView> {
    const plan = await planDownload(input, {
      repo: this.o.repo,
      catalog: this.o.catalog,
      backends: this.o.backends,
      destination: (backendId, folder) => this.destination(backendId, folder),
      freeSpace: this.tuning.freeSpace,
      spareBytes: this.tuning.spareBytes,
      hosts: this.tuning.hosts,
      dispatcher: this.dispatcher,
      timeouts: this.tuning.timeouts,
      token: (service) => this.token(service),
    });
    if (plan.kind === 'same') return downloadView(plan.record);
    const record =
      plan.kind === 'resume'
        ? this.o.repo.setState(plan.record.id, 'queued', { error: null, note: null, finishedAt: null })
        : this.o.repo.create({ id: this.newId(), ...plan.download });
    const view = this.changed(record);
    this.pump();
    return view;
  }

  /** Stop a download (or discard a failed one) and delete its part file. */
  async cancel(id: string): Promise<DownloadView> {
    const record = this.o.repo.get(id);
    if (!record) throw refusal('not_found', 'Unknown download', `There is no download with id ${id}.`);
    if (record.state === 'done' || record.state === 'cancelled') {
      throw refusal(
        'conflict',
        'Already over',
        `This download is already ${record.state === 'done' ? 'finished' : 'cancelled'}.`,
      );
    }
    const running = this.running.get(id);
    if (running) {
      running.controller.abort(CANCELLED);
      await running.done;
      return downloadView(this.o.repo.get(id)!);
    }
    // Out of the queue first (nothing can start it meanwhile), then its part goes.
    const cancelled = this.o.repo.setState(id, 'cancelled', { finishedAt: this.o.clock.now() });
    await this.removePart(record);
    return this.changed(cancelled);
  }

  tokens(): DownloadTokens {
    return {
      huggingface: { set: this.token('huggingface') !== null },
      civitai: { set: this.token('civitai') !== null },
      storage: this.o.secrets.describe(),
    };
  }

  setToken(service: DownloadService, token: string): DownloadTokens {
    try {
      this.o.secrets.set(SERVICE_SECRETS[service], token);
    } catch (err) {
      throw refusal('unavailable', 'Token not saved', (err as Error).message);
    }
    this.log.info(`${SERVICE_NAMES[service]} token saved`);
    return this.tokens();
  }

  clearToken(service: DownloadService): DownloadTokens {
    this.o.secrets.delete(SERVICE_SECRETS[service]);
    this.log.info(`${SERVICE_NAMES[service]} token removed`);
    return this.tokens();
  }

  // --------------------------------------------------------------------------------------------- internals

  private token(service: DownloadService): string | null {
    try {
      return this.o.secrets.get(SERVICE_SECRETS[service]);
    } catch (err) {
      this.log.warn(`cannot read the ${SERVICE_NAMES[service]} token`, { error: (err as Error).message });
      return null;
    }
  }

  private changed(record: DownloadRecord): DownloadView {
    const view = downloadView(record);
    this.o.events.emit('download.changed', view);
    return view;
  }

  private pump(): void {
    if (!this.started) return;
    for (const record of this.o.repo.active()) {
      if (this.running.size >= this.tuning.maxConcurrent) return;
      if (record.state !== 'queued' || this.running.has(record.id)) continue;
      const controller = new AbortController();
      const entry: Running = { controller, done: Promise.resolve() };
      this.running.set(record.id, entry);
      entry.done = this.run(record, controller.signal).finally(() => {
        this.running.delete(record.id);
        this.pump();
      });
    }
  }

  private async run(initial: DownloadRecord, signal: AbortSignal): Promise<void> {
    const id = initial.id;
    let record = this.changed(this.o.repo.setState(id, 'downloading'));
    const meter = new ProgressMeter(
      id,
      this.o.clock,
      (p) => {
        this.o.repo.update(id, { bytesDone: p.bytesDone });
        this.o.events.emit('download.progress', p);
      },
      { intervalMs: this.tuning.progressIntervalMs },
    );
    let file = initial.file;
    const deps: TransferDeps = {
      dispatcher: this.dispatcher,
      clock: this.o.clock,
      timeouts: this.tuning.timeouts,
      retryDelaysMs: this.tuning.retryDelaysMs,
      freeSpace: this.tuning.freeSpace,
      spareBytes: this.tuning.spareBytes,
      hosts: this.tuning.hosts,
      token: (service) => this.token(service),
    };
    try {
      const result = await runTransfer(
        {
          urls: initial.urls,
          urlIndex: initial.urlIndex,
          validator: { etag: initial.etag, lastModified: initial.lastModified },
          dir: initial.dir,
          file: initial.file,
          expectedBytes: initial.expectedBytes,
          sha256: initial.sha256,
        },
        deps,
        {
          named: (name) => {
            const other = this.o.repo.active().find((d) => d.id !== id && d.dir === initial.dir && d.file === name);
            if (other) {
              throw new DownloadError('exists', `${name} is already being downloaded into ${initial.dir}.`);
            }
            file = name;
            record = this.changed(this.o.repo.update(id, { file: name }));
          },
          accepted: (info) => {
            this.o.repo.update(id, {
              urlIndex: info.urlIndex,
              totalBytes: info.totalBytes,
              etag: info.etag,
              lastModified: info.lastModified,
            });
          },
          progress: (bytes, total) => meter.update(bytes, total),
          verifying: () => {
            meter.flush();
            record = this.changed(this.o.repo.setState(id, 'verifying'));
          },
        },
        signal,
      );
      meter.stop();
      const notes = [result.note, extensionNote(result.file)].filter((n): n is string => n !== null);
      this.changed(
        this.o.repo.setState(id, 'done', {
          bytesDone: result.bytes,
          totalBytes: result.bytes,
          note: notes.length > 0 ? notes.join(' ') : null,
          finishedAt: this.o.clock.now(),
        }),
      );
      this.log.info('download finished', { id, file: result.file, dir: initial.dir, bytes: result.bytes });
      const backendIds = await this.o.filesChanged(initial.folder).catch(() => [] as string[]);
      this.o.events.emit('models.changed', { backendIds, folder: initial.folder, file: result.file });
    } catch (err) {
      meter.stop();
      if (signal.reason === STOPPING) {
        this.o.repo.setState(id, 'queued', { bytesDone: await sizeOf(partOf(initial.dir, file)) });
        return;
      }
      if (signal.reason === CANCELLED) {
        await this.removePart({ ...record, file });
        this.changed(this.o.repo.setState(id, 'cancelled', { finishedAt: this.o.clock.now() }));
        return;
      }
      const error =
        err instanceof DownloadError
          ? { kind: err.kind, message: err.message }
          : {
              kind: 'http' as const,
              message:
                'The download stopped because of an unexpected problem. The part already downloaded is kept: start the download again to go on from there.',
            };
      if (!(err instanceof DownloadError)) this.log.error('download failed unexpectedly', { id, error: err });
      else this.log.warn('download failed', { id, kind: err.kind, message: err.message });
      this.changed(
        this.o.repo.setState(id, 'failed', {
          error,
          bytesDone: await sizeOf(partOf(initial.dir, file)),
          finishedAt: this.o.clock.now(),
        }),
      );
    }
  }

  private async removePart(record: Pick<DownloadRecord, 'dir' | 'file'>): Promise<void> {
    const part = partOf(record.dir, record.file);
    if (part) await rm(part, { force: true }).catch(() => {});
  }
}

const partOf = (dir: string, file: string | null): string | null => (file ? partPath(dir, file) : null);
const sizeOf = async (file: string | null): Promise<number> => (file ? fileSize(file) : 0);
