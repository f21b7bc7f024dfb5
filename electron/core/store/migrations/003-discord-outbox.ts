/** Discord result deliveries that failed (bot offline, Discord error): kept and retried after reconnects. */
export default {
  version: 3,
  name: 'discord-outbox',
  sql: /* sql */ `
CREATE TABLE discord_outbox (
  job_id     TEXT PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
  attempts   INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
`,
};
