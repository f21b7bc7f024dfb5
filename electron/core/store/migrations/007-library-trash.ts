/**
 * Library files whose rows are gone but whose deletion has not finished: written in the same transaction that
 * removes the output rows, cleared once the files are unlinked, and finished at the next start after a crash, so
 * a deletion (by hand or by retention) never leaves a file without its row.
 */
export default {
  version: 7,
  name: 'library-trash',
  sql: /* sql */ `
CREATE TABLE library_trash (
  path      TEXT PRIMARY KEY,
  queued_at INTEGER NOT NULL
);
`,
};
