/**
 * The latest ended jobs (the queue's "recent" list, read whenever the queue changes) from an index on when they
 * ended, instead of a scan and sort of every job ever run. Jobs not over have no `ended_at` and sort last.
 */
export default {
  version: 14,
  name: 'jobs-ended-index',
  sql: /* sql */ `
CREATE INDEX jobs_ended ON jobs(ended_at DESC, id DESC);
`,
};
