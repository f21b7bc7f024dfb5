/**
 * What the shells run: the core, behind a check of its database. At open, `PRAGMA quick_check` on the database
 * file (and a backup before any migration); a database that fails does not start a half-broken app: the host
 * answers only what recovery needs (app.info, data.status, data.restore, data.startFresh) and says why. A restore
 * (from there or from a running core) stops the core, swaps the checked backup in and starts a new core; the
 * API, the event bus and media look-ups the shells hold stay the same objects throughout.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { basename } from 'node:path';
import { ApiError, methodNames, refusal, type CallResult } from '@shared/api';
import type { DataStatus, RestoreInput, RestoreResult } from '@shared/api/data';
import type { HealthSummary } from '@shared/api/health';
import { ownerPerson } from './access/person';
import { CoreApi, type CallContext, type Handlers } from './api/dispatch';
import { backupsDir, createCore, databaseFile, type Core, type CoreOptions } from './app';
import { systemClock } from './clock';
import { Backups, removeDatabaseFiles } from './data/backups';
import { checkLiveDatabase, inspectDatabase, sqliteReason } from './data/integrity';
import { keepAside, stageCandidate, swapIn } from './data/restore';
import { EventBus } from './events';
import type { ResolveMedia } from './library/library';
import { nullLogger } from './log';
import type { Store } from './store';
import { appliedMigrations, openRawDatabase } from './store/db';
import { migrations } from './store/migrations';
import { APP_VERSION } from './version';

export type HostState = 'closed' | 'ok' | 'damaged' | 'restarting';
export type ApiSurface = Pick<CoreApi, 'dispatch' | 'call'>;

export interface CoreHost extends Pick<Core, 'config' | 'logger'> {
  /** The one event bus for the shells: every event of whichever core runs. */
  readonly events: EventBus;
  readonly api: ApiSurface;
  readonly resolveMedia: ResolveMedia;
  /** The running core's store (throws while the database is damaged or being replaced). */
  readonly store: Store;
  state(): HostState;
  /** The core running now (null while damaged or restarting). */
  core(): Core | null;
  healthSummary(): HealthSummary;
  /** Check the database and make the core (its API answers); resolves in every case (damaged is a state). */
  open(): Promise<void>;
  /** open(), then start the core. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

const OFFLINE: HealthSummary = {
  comfy: { status: 'none', backends: [] },
  bot: { status: 'stopped', guilds: 0 },
  queue: { queued: 0, running: 0, paused: false },
};

export function createCoreHost(options: Omit<CoreOptions, 'dataHost'>): CoreHost {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? nullLogger;
  const log = logger.child('host');
  const events = new EventBus(logger.child('events'));
  const dbFile = databaseFile(config.dataDir);
  const backups = new Backups(backupsDir(config.dataDir), clock, logger.child('data'));
  const startedAt = clock.now();

  let core: Core | null = null;
  let detach: (() => void) | null = null;
  let state: HostState = 'closed';
  let problem: string | null = null;
  let candidate: DataStatus['candidate'] | undefined;
  let opening: Promise<void> | null = null;
  let wantStarted = false;
  /** Restore, start fresh and stop, one at a time. */
  let chain: Promise<unknown> = Promise.resolve();
  const serially = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn);
    chain = run.catch(() => undefined);
    return run;
  };

  /** quick_check, then a backup when migrations are about to run on an existing database. */
  async function check(): Promise<string | null> {
    mkdirSync(config.dataDir, { recursive: true });
    if (!existsSync(dbFile)) return null;
    const checked = checkLiveDatabase(dbFile);
    if (!checked.ok) return checked.reason;
    try {
      const applied = new Set(appliedMigrations(checked.db).map((m) => m.version));
      if (applied.size > 0 && migrations.some((m) => !applied.has(m.version)))
        await backups.create(checked.db, 'pre-migration');
    } finally {
      checked.db.close();
    }
    return null;
  }

  function damaged(why: string): void {
    state = 'damaged';
    problem = `The database (${dbFile}) cannot be used: ${why}.`;
    candidate = undefined;
    log.error('database failed its check at start', { problem: why });
  }

  function open(): Promise<void> {
    opening ??= (async () => {
      const why = await check();
      if (why) return damaged(why);
      try {
        const made = createCore({ ...options, dataHost });
        detach = made.events.onAny((event, payload) => events.emit(event, payload as never));
        core = made;
        state = 'ok';
        problem = null;
      } catch (err) {
        damaged(sqliteReason(err));
      }
    })();
    return opening;
  }

  async function stopCore(): Promise<void> {
    const running = core;
    core = null;
    await running?.stop();
    detach?.();
    detach = null;
  }

  /** Open again on the (new) database file and start when the shells had started. */
  async function reopen(reason: 'restore' | 'fresh'): Promise<void> {
    opening = null;
    await open();
    if (wantStarted && core) await core.start();
    events.emit('data.restarted', { reason, at: clock.now() });
  }

  /** The newest backup that passes its check (damaged state: shown before the user chooses it). */
  function newestGood(): DataStatus['candidate'] {
    if (candidate === undefined) {
      candidate = backups.list().find((b) => inspectDatabase(backups.path(b.name), migrations).ok) ?? null;
    }
    return candidate;
  }

  function stage(input: RestoreInput): { staged: string; schemaVersion: number; source: string } {
    if (input.from === 'file') return { ...stageCandidate(input.path, dbFile, migrations), source: input.path };
    if (input.from === 'backup') {
      const source = backups.path(input.name);
      return { ...stageCandidate(source, dbFile, migrations), source };
    }
    const problems: string[] = [];
    for (const b of backups.list()) {
      try {
        return { ...stageCandidate(backups.path(b.name), dbFile, migrations), source: backups.path(b.name) };
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
    throw refusal(
      'not_found',
      'No usable backup',
      problems.length ? `No backup passed its check: ${problems.slice(0, 3).join(' ')}` : 'There are no backups yet.',
      'Choose a backup file from elsewhere, or start with an empty database.',
    );
  }

  const dataHost = {
    restore: (input: RestoreInput): Promise<RestoreResult> =>
      serially(async () => {
        // Checked before anything stops: a refused file changes nothing.
        const { staged, schemaVersion, source } = stage(input);
        let safetyBackup: string | null = null;
        let damagedFile: string | null = null;
        const wasDamaged = state === 'damaged';
        state = 'restarting';
        if (!wasDamaged) await stopCore();
        try {
          if (wasDamaged) damagedFile = existsSync(dbFile) ? keepAside(dbFile, clock.now()) : null;
          else {
            const db = openRawDatabase(dbFile, { fileMustExist: true });
            try {
              safetyBackup = (await backups.create(db, 'pre-restore')).name;
            } finally {
              db.close();
            }
          }
          swapIn(staged, dbFile);
        } catch (err) {
          // Nothing was replaced: go on with the database as it was.
          log.error('restore stopped before the swap', { error: err });
          removeDatabaseFiles(staged);
          await reopen('restore');
          throw new ApiError({
            code: 'internal',
            title: 'Restore stopped',
            message: `The restore stopped before anything was replaced: ${(err as Error).message}`,
          });
        }
        log.info('database restored', { from: source, safetyBackup, damagedFile });
        await reopen('restore');
        return { restoredFrom: basename(source), safetyBackup, damagedFile, schemaVersion };
      }),
    startFresh: (): Promise<{ damagedFile: string }> =>
      serially(async () => {
        if (state !== 'damaged')
          throw refusal(
            'conflict',
            'The database is fine',
            'Starting with an empty database is only offered when the database is damaged.',
            'To go back to an earlier state, restore a backup.',
          );
        state = 'restarting';
        const damagedFile = keepAside(dbFile, clock.now());
        log.warn('starting with an empty database', { damagedFile });
        await reopen('fresh');
        return { damagedFile };
      }),
  };

  const recoveryHandlers = Object.fromEntries(
    methodNames.map((m) => [
      m,
      () => {
        throw refusal(
          'unavailable',
          state === 'restarting' ? 'Restarting' : 'Database damaged',
          state === 'restarting'
            ? 'ComfyDesk is switching to another database; try again in a moment.'
            : `ComfyDesk did not start: ${problem ?? 'its database is not open'}`,
          state === 'restarting' ? undefined : 'Restore a backup (or start with an empty database) first.',
        );
      },
    ]),
  ) as unknown as Handlers;
  const recovery = new CoreApi(
    {
      ...recoveryHandlers,
      'app.info': () => ({
        name: 'ComfyDesk' as const,
        version: APP_VERSION,
        mode: options.mode,
        platform: process.platform,
        node: process.versions.node,
        dataDir: config.dataDir,
        libraryDir: config.libraryDir,
        startedAt,
      }),
      'data.status': () => {
        const list = backups.list();
        return {
          database: 'damaged' as const,
          problem,
          candidate: state === 'damaged' ? newestGood() : null,
          dataDir: config.dataDir,
          backupsDir: backups.dir,
          backups: list,
          lastBackupAt: list[0]?.createdAt ?? null,
          lastRetention: null,
          lastOrphans: null,
        };
      },
      'data.restore': (input) => dataHost.restore(input),
      'data.startFresh': () => dataHost.startFresh(),
    },
    () => ownerPerson(),
    logger.child('api'),
  );

  const api: ApiSurface = {
    dispatch: (method: string, input: unknown, ctx: CallContext): Promise<CallResult> =>
      core ? core.api.dispatch(method, input, ctx) : recovery.dispatch(method, input, ctx),
    call: ((method, input, ctx) => (core ? core.api : recovery).call(method, input, ctx)) as CoreApi['call'],
  };

  return {
    config,
    logger,
    events,
    api,
    resolveMedia: (kind, id) => core?.library.resolveMedia(kind, id) ?? null,
    get store(): Store {
      if (!core) throw new Error(`The database is not open (${state}).`);
      return core.store;
    },
    state: () => state,
    core: () => core,
    healthSummary: () => core?.healthSummary() ?? OFFLINE,
    open,
    async start() {
      wantStarted = true;
      await open();
      await core?.start();
    },
    stop() {
      wantStarted = false;
      return serially(async () => {
        await opening?.catch(() => undefined);
        await stopCore();
        opening = null;
        state = 'closed';
      });
    },
  };
}
