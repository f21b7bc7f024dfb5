/**
 * Model downloads: one row per file asked for, kept so a download resumes from its `.part` file after a
 * dropped connection or an app restart (the validator the host gave, the address in use), and so the list
 * survives restarts. Rows of a removed backend keep their history (backend_id becomes NULL).
 */
export default {
  version: 5,
  name: 'downloads',
  sql: /* sql */ `
CREATE TABLE downloads (
  id             TEXT PRIMARY KEY,
  seq            INTEGER NOT NULL UNIQUE,          -- queue order: the oldest queued download starts first
  state          TEXT NOT NULL CHECK (state IN ('queued', 'downloading', 'verifying', 'done', 'failed', 'cancelled')),
  source         TEXT NOT NULL CHECK (source IN ('catalog', 'url')),
  backend_id     TEXT REFERENCES backends(id) ON DELETE SET NULL,
  folder         TEXT NOT NULL,
  file           TEXT,                             -- NULL for a link until the host names the file
  dir            TEXT NOT NULL,
  urls           TEXT NOT NULL CHECK (json_valid(urls)),  -- the addresses to try, in order
  url_index      INTEGER NOT NULL DEFAULT 0,       -- the one in use
  expected_bytes INTEGER,                          -- the catalogue's size
  sha256         TEXT,                             -- the published SHA-256
  total_bytes    INTEGER,                          -- the size the host gave
  bytes_done     INTEGER NOT NULL DEFAULT 0,
  etag           TEXT,                             -- the host's validator for a resume (If-Range)
  last_modified  TEXT,
  error_kind     TEXT,
  error          TEXT,
  note           TEXT,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  finished_at    INTEGER
);
CREATE INDEX downloads_state ON downloads (state, seq);
`,
};
