import type { Clock } from '../clock';
import { BackendsRepo } from './backends-repo';
import { openDatabase, type Db } from './db';
import { DownloadsRepo } from './downloads-repo';
import { GuildsRepo } from './guilds-repo';
import { JobsRepo } from './jobs-repo';
import { LibraryUpkeepRepo } from './library-upkeep-repo';
import { OutboxRepo } from './outbox-repo';
import { OutputsRepo } from './outputs-repo';
import { OwnerRepo } from './owner-repo';
import { SettingsRepo } from './settings-repo';
import { SetupRepo } from './setup-repo';
import { TemplatesRepo } from './templates-repo';
import { UsageRepo } from './usage-repo';
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
  /** GPU time per user, server, workflow and day (from the jobs table). */
  usage: UsageRepo;
  /** The owner's linked Discord account, owner actions, who may not generate where. */
  owner: OwnerRepo;
  /** Retention and the orphan scan's reads over the outputs. */
  upkeep: LibraryUpkeepRepo;
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
    usage: new UsageRepo(db),
    owner: new OwnerRepo(db, now),
    upkeep: new LibraryUpkeepRepo(db),
    close: () => {
      if (db.open) db.close();
    },
  };
}
