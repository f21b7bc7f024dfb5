import type { Clock } from '../clock';
import { BackendsRepo } from './backends-repo';
import { openDatabase, type Db } from './db';
import { DownloadsRepo } from './downloads-repo';
import { GuildsRepo } from './guilds-repo';
import { JobsRepo } from './jobs-repo';
import { OutboxRepo } from './outbox-repo';
import { OutputsRepo } from './outputs-repo';
import { SettingsRepo } from './settings-repo';
import { SetupRepo } from './setup-repo';
import { TemplatesRepo } from './templates-repo';
import { UsersRepo } from './users-repo';

/** The database and one repository per table group. */
export interface Store {
  db: Db;
  users: UsersRepo;
  guilds: GuildsRepo;
  templates: TemplatesRepo;
  jobs: JobsRepo;
  outputs: OutputsRepo;
  settings: SettingsRepo;
  backends: BackendsRepo;
  /** Discord result deliveries to retry. */
  outbox: OutboxRepo;
  /** Model downloads (resumable across restarts). */
  downloads: DownloadsRepo;
  /** The setup guide's progress. */
  setup: SetupRepo;
  close(): void;
}

export function openStore(file: string, clock: Pick<Clock, 'now'>): Store {
  const db = openDatabase(file, { now: () => clock.now() });
  const now = () => clock.now();
  return {
    db,
    users: new UsersRepo(db, now),
    guilds: new GuildsRepo(db, now),
    templates: new TemplatesRepo(db, now),
    jobs: new JobsRepo(db, now),
    outputs: new OutputsRepo(db, now),
    settings: new SettingsRepo(db, now),
    backends: new BackendsRepo(db, now),
    outbox: new OutboxRepo(db, now),
    downloads: new DownloadsRepo(db, now),
    setup: new SetupRepo(db, now),
    close: () => {
      if (db.open) db.close();
    },
  };
}
