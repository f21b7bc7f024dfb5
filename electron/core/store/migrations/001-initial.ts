/** The whole product's schema, version 1. */
export default {
  version: 1,
  name: 'initial',
  sql: /* sql */ `
CREATE TABLE users (
  id               TEXT PRIMARY KEY,              -- Discord user id, or 'desktop' for the app's owner
  name             TEXT NOT NULL,
  default_delivery TEXT NOT NULL DEFAULT 'channel' CHECK (default_delivery IN ('channel', 'dm')),
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
);

CREATE TABLE guilds (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  settings     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(settings)),
  limits       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(limits)),
  banned_words TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(banned_words)),
  joined_at    INTEGER,
  updated_at   INTEGER NOT NULL
);

CREATE TABLE guild_roles (
  guild_id TEXT NOT NULL REFERENCES guilds(id) ON DELETE CASCADE,
  role_id  TEXT NOT NULL,
  level    TEXT NOT NULL CHECK (level IN ('user', 'generator', 'admin')),
  PRIMARY KEY (guild_id, role_id)
);

CREATE TABLE templates (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  owner_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  guild_id   TEXT REFERENCES guilds(id) ON DELETE CASCADE,
  shared     INTEGER NOT NULL DEFAULT 0 CHECK (shared IN (0, 1)),
  name       TEXT NOT NULL,
  prompt     TEXT NOT NULL,
  negative   TEXT NOT NULL DEFAULT '',
  params     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(params)),
  workflow   TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX templates_owner_scope_name ON templates(owner_id, COALESCE(guild_id, ''), name);
CREATE INDEX templates_guild_shared ON templates(guild_id, shared, name);

CREATE TABLE backends (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  url         TEXT NOT NULL UNIQUE,
  kind        TEXT NOT NULL CHECK (kind IN ('launched', 'local', 'remote')),
  enabled     INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  client_id   TEXT NOT NULL,                     -- our WebSocket clientId, reused across restarts
  launch_path TEXT,
  last_seen   INTEGER,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

CREATE TABLE jobs (
  id            TEXT PRIMARY KEY,
  source        TEXT NOT NULL CHECK (source IN ('discord', 'desktop')),
  user_id       TEXT NOT NULL REFERENCES users(id),
  guild_id      TEXT,
  channel_id    TEXT,
  workflow      TEXT NOT NULL,
  params        TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(params)),
  inputs        TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(inputs)),
  prompt        TEXT NOT NULL DEFAULT '',
  negative      TEXT NOT NULL DEFAULT '',
  status        TEXT NOT NULL CHECK (status IN ('queued', 'submitted', 'running', 'collecting', 'done', 'failed', 'cancelled')),
  backend_id    TEXT REFERENCES backends(id) ON DELETE SET NULL,
  prompt_id     TEXT,
  progress      REAL NOT NULL DEFAULT 0,
  error         TEXT,
  delivery      TEXT NOT NULL DEFAULT 'channel' CHECK (delivery IN ('channel', 'dm')),
  message_ids   TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(message_ids)),
  attempts      INTEGER NOT NULL DEFAULT 0,
  priority      INTEGER NOT NULL DEFAULT 0,
  parent_job_id TEXT REFERENCES jobs(id) ON DELETE SET NULL,
  created_at    INTEGER NOT NULL,
  submitted_at  INTEGER,
  started_at    INTEGER,
  ended_at      INTEGER,
  updated_at    INTEGER NOT NULL
);
CREATE INDEX jobs_status_created ON jobs(status, created_at);
CREATE INDEX jobs_user_created ON jobs(user_id, created_at DESC);
CREATE INDEX jobs_user_status ON jobs(user_id, status);
CREATE INDEX jobs_guild_created ON jobs(guild_id, created_at DESC);
CREATE INDEX jobs_backend_status ON jobs(backend_id, status);
CREATE INDEX jobs_prompt_id ON jobs(prompt_id);

-- Every state change of a job, written in the same transaction as the change.
CREATE TABLE job_transitions (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id     TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  from_state TEXT,
  to_state   TEXT NOT NULL,
  reason     TEXT,
  at         INTEGER NOT NULL
);
CREATE INDEX job_transitions_job ON job_transitions(job_id, id);

CREATE TABLE outputs (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id         TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  file_path      TEXT NOT NULL UNIQUE,
  kind           TEXT NOT NULL CHECK (kind IN ('image', 'video')),
  mime           TEXT NOT NULL,
  width          INTEGER,
  height         INTEGER,
  bytes          INTEGER NOT NULL,
  thumbnail_path TEXT,
  favourite      INTEGER NOT NULL DEFAULT 0 CHECK (favourite IN (0, 1)),
  -- copied from the job (immutable once the output exists) so gallery filters need no join
  user_id        TEXT NOT NULL,
  guild_id       TEXT,
  workflow       TEXT NOT NULL,
  prompt         TEXT NOT NULL DEFAULT '',
  negative       TEXT NOT NULL DEFAULT '',
  seed           INTEGER,
  created_at     INTEGER NOT NULL
);
CREATE INDEX outputs_created ON outputs(created_at DESC, id DESC);
CREATE INDEX outputs_job ON outputs(job_id);
CREATE INDEX outputs_user_created ON outputs(user_id, created_at DESC, id DESC);
CREATE INDEX outputs_guild_created ON outputs(guild_id, created_at DESC, id DESC);
CREATE INDEX outputs_workflow_created ON outputs(workflow, created_at DESC, id DESC);
CREATE INDEX outputs_favourite_created ON outputs(favourite, created_at DESC, id DESC);
CREATE INDEX outputs_kind_created ON outputs(kind, created_at DESC, id DESC);

CREATE VIRTUAL TABLE outputs_fts USING fts5(
  prompt, negative,
  content = 'outputs', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER outputs_fts_insert AFTER INSERT ON outputs BEGIN
  INSERT INTO outputs_fts(rowid, prompt, negative) VALUES (new.id, new.prompt, new.negative);
END;
CREATE TRIGGER outputs_fts_delete AFTER DELETE ON outputs BEGIN
  INSERT INTO outputs_fts(outputs_fts, rowid, prompt, negative) VALUES ('delete', old.id, old.prompt, old.negative);
END;
CREATE TRIGGER outputs_fts_update AFTER UPDATE OF prompt, negative ON outputs BEGIN
  INSERT INTO outputs_fts(outputs_fts, rowid, prompt, negative) VALUES ('delete', old.id, old.prompt, old.negative);
  INSERT INTO outputs_fts(rowid, prompt, negative) VALUES (new.id, new.prompt, new.negative);
END;

CREATE TABLE settings (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL CHECK (json_valid(value)),
  updated_at INTEGER NOT NULL
);
`,
};
