/**
 * The core's data capability: backups (daily, on demand, kept to the setting), the settings export and import,
 * library retention (daily when switched on, on demand, dry run) and the orphan scan at start. Restoring and
 * starting fresh replace the database under the core, so they go to the host that runs it (host.ts).
 */
import { ApiError, refusal } from '@shared/api';
import {
  OrphanReportSchema,
  RetentionSummarySchema,
  type Backup,
  type BackupReason,
  type DataStatus,
  type ImportPreview,
  type OrphanReport,
  type RestoreInput,
  type RestoreResult,
  type RetentionSummary,
} from '@shared/api/data';
import type { RetentionRule } from '@shared/settings';
import type { Clock } from '../clock';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import type { SecretStore } from '../secrets';
import type { Library } from '@core/library/library';
import type { Store } from '@core/store';
import type { WorkflowRegistry } from '@core/workflows/registry';
import { Backups } from './backups';
import { DailyTask } from './daily';
import { buildExport } from './export';
import { applyImport, parseExport, previewImport } from './import';
import { scanOrphans } from './orphans';
import { retentionDryRun, retentionRun } from './retention';

/** What the host offers the core: replacing its database means stopping and starting it. */
export interface DataHost {
  restore(input: RestoreInput): Promise<RestoreResult>;
  startFresh(): Promise<{ damagedFile: string }>;
}

export interface DataServiceOptions {
  store: Store;
  library: Library;
  workflows: WorkflowRegistry;
  events: EventBus;
  secrets: SecretStore;
  clock: Clock;
  logger: Logger;
  backupsDir: string;
  dataDir: string;
  appVersion: string;
  host?: DataHost | undefined;
}

const LAST_RETENTION = 'data.lastRetention';
const LAST_ORPHANS = 'data.lastOrphans';

export class DataService {
  readonly backups: Backups;
  private readonly daily: DailyTask[];
  private readonly abort = new AbortController();
  private retention: Promise<RetentionSummary> | null = null;
  private orphans: Promise<OrphanReport> | null = null;
  private readonly log: Logger;

  constructor(private readonly o: DataServiceOptions) {
    this.log = o.logger.child('data');
    this.backups = new Backups(o.backupsDir, o.clock, this.log);
    const settings = () => o.store.settings.get();
    this.daily = [
      new DailyTask({
        name: 'backup',
        clock: o.clock,
        logger: this.log,
        last: () => this.backups.newest()?.createdAt ?? null,
        enabled: () => settings().backups.daily,
        run: () => this.backup('daily'),
      }),
      new DailyTask({
        name: 'retention',
        clock: o.clock,
        logger: this.log,
        last: () => this.lastRetention()?.at ?? null,
        enabled: () => settings().retention.daily && settings().retention.rules.length > 0,
        run: () => this.runRetention(),
      }),
    ];
  }

  /** Daily tasks and, in the background, the orphan scan. */
  start(): void {
    this.backups.removePartials();
    for (const task of this.daily) task.start();
    void this.scanOrphans().catch((err: unknown) => {
      if (!this.abort.signal.aborted) this.log.warn('orphan scan failed', { error: err });
    });
  }

  /** Stop the daily tasks and anything in progress (a retention run stops after its current batch). */
  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.daily.map((t) => t.stop()));
    await Promise.allSettled([this.retention, this.orphans, this.backups.idle()]);
  }

  /** Resolves when no daily run, backup, retention run or orphan scan is in progress. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.daily.map((t) => t.idle()), this.retention, this.orphans, this.backups.idle()]);
  }

  status(): DataStatus {
    const backups = this.backups.list();
    return {
      database: 'ok',
      problem: null,
      candidate: null,
      dataDir: this.o.dataDir,
      backupsDir: this.backups.dir,
      backups,
      lastBackupAt: backups[0]?.createdAt ?? null,
      lastRetention: this.lastRetention(),
      lastOrphans: this.o.store.settings.getValue(LAST_ORPHANS, OrphanReportSchema) ?? null,
    };
  }

  /** A backup now, then the oldest beyond the kept number go. */
  async backup(reason: BackupReason = 'manual'): Promise<Backup> {
    const made = await this.backups.create(this.o.store.db, reason);
    this.backups.prune(this.o.store.settings.get().backups.keep);
    this.changed();
    return made;
  }

  restore(input: RestoreInput): Promise<RestoreResult> {
    if (!this.o.host) throw unavailable();
    return this.o.host.restore(input);
  }

  startFresh(): Promise<{ damagedFile: string }> {
    if (!this.o.host) throw unavailable();
    return this.o.host.startFresh();
  }

  export(): ReturnType<typeof buildExport> {
    return buildExport({
      store: this.o.store,
      workflows: this.o.workflows,
      secrets: this.o.secrets,
      now: () => this.o.clock.now(),
      appVersion: this.o.appVersion,
    });
  }

  importPreview(content: string): ImportPreview {
    return previewImport(parseExport(content, this.o.workflows), this.o.store, this.o.workflows);
  }

  /** Import (a backup first); returns what changed. */
  async import(content: string): Promise<ImportPreview & { backup: string }> {
    const file = parseExport(content, this.o.workflows);
    const preview = previewImport(file, this.o.store, this.o.workflows);
    const backup = await this.backup('pre-import');
    const { workflowIds, templates } = await applyImport(file, this.o.store, this.o.workflows);
    const { events } = this.o;
    if (workflowIds.length) events.emit('workflows.changed', { ids: workflowIds });
    events.emit('settings.changed', this.o.store.settings.get());
    for (const template of templates) events.emit('templates.changed', { id: template.id, template });
    this.log.info('settings imported', { exportedAt: file.exportedAt, templates: file.templates.length });
    return { ...preview, backup: backup.name };
  }

  /** Dry run: the saved rules, or `rules` (the UI's unsaved ones). */
  retentionPreview(rules?: readonly RetentionRule[]): Promise<RetentionSummary> {
    return retentionDryRun(this.retentionDeps(), rules ?? this.o.store.settings.get().retention.rules);
  }

  /** Apply the saved rules; one run at a time. */
  runRetention(): Promise<RetentionSummary> {
    if (this.retention)
      return Promise.reject(
        refusal(
          'conflict',
          'Already running',
          'The retention rules are being applied right now.',
          'Wait for it to finish.',
        ),
      );
    const rules = this.o.store.settings.get().retention.rules;
    this.retention = retentionRun(this.retentionDeps(), rules)
      .then((summary) => {
        this.o.store.settings.setValue(LAST_RETENTION, summary);
        this.log.info('retention applied', { count: summary.count, bytes: summary.bytes, kept: summary.kept });
        this.changed();
        return summary;
      })
      .finally(() => (this.retention = null));
    return this.retention;
  }

  /** Find and fix orphans (one scan at a time: a second caller gets the same report). */
  scanOrphans(): Promise<OrphanReport> {
    this.orphans ??= scanOrphans({
      library: this.o.library,
      outputs: this.o.store.outputs,
      upkeep: this.o.store.upkeep,
      logger: this.log,
      now: () => this.o.clock.now(),
      signal: this.abort.signal,
    })
      .then((report) => {
        this.o.store.settings.setValue(LAST_ORPHANS, report);
        this.changed();
        return report;
      })
      .finally(() => (this.orphans = null));
    return this.orphans;
  }

  private lastRetention(): RetentionSummary | null {
    return this.o.store.settings.getValue(LAST_RETENTION, RetentionSummarySchema) ?? null;
  }

  private retentionDeps() {
    return {
      upkeep: this.o.store.upkeep,
      library: this.o.library,
      now: () => this.o.clock.now(),
      signal: this.abort.signal,
    };
  }

  private changed(): void {
    if (this.abort.signal.aborted) return;
    this.o.events.emit('data.changed', this.status());
  }
}

function unavailable(): ApiError {
  return refusal(
    'unavailable',
    'Not available here',
    'Restoring needs the app to restart its core, which this process cannot do.',
    'Restore from the ComfyDesk app or its headless server.',
  );
}
