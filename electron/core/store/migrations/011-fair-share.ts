/**
 * Sharing the GPU fairly: each job keeps its owner's share weight (their server roles' weight when submitted) and
 * when its GPU time was last counted (`exec_at`: a run's end), so usage over a day, a week or the scheduler's
 * window is one indexed range; the owner's linked Discord account, the log of owner actions, and who may not
 * generate where (`guild_id` '' = everywhere).
 */
export default {
  version: 11,
  name: 'fair-share',
  sql: /* sql */ `
ALTER TABLE jobs ADD COLUMN share_weight REAL NOT NULL DEFAULT 1 CHECK (share_weight > 0);
ALTER TABLE jobs ADD COLUMN exec_at INTEGER;
UPDATE jobs SET exec_at = COALESCE(ended_at, updated_at) WHERE exec_ms IS NOT NULL;
CREATE INDEX jobs_usage_at ON jobs(COALESCE(exec_at, ended_at));
CREATE INDEX jobs_user_usage_at ON jobs(user_id, COALESCE(exec_at, ended_at));
CREATE TABLE owner_link (
  id              INTEGER PRIMARY KEY CHECK (id = 1),
  discord_user_id TEXT NOT NULL,
  user_name       TEXT NOT NULL,
  linked_at       INTEGER NOT NULL
);
CREATE TABLE owner_actions (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  at        INTEGER NOT NULL,
  via       TEXT NOT NULL CHECK (via IN ('discord', 'desktop')),
  user_id   TEXT NOT NULL,
  user_name TEXT NOT NULL,
  action    TEXT NOT NULL,
  target    TEXT,
  detail    TEXT NOT NULL
);
CREATE INDEX owner_actions_at ON owner_actions(at DESC, id DESC);
CREATE TABLE user_blocks (
  user_id  TEXT NOT NULL,
  guild_id TEXT NOT NULL DEFAULT '',
  reason   TEXT NOT NULL,
  by_name  TEXT NOT NULL,
  at       INTEGER NOT NULL,
  PRIMARY KEY (user_id, guild_id)
);
`,
};
