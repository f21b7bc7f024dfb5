/**
 * Every job gets a short number people can read and type (`#1287`), unique and never reused; existing jobs are
 * numbered in the order they were made. The GPU time of each run (ComfyUI's `execution_start` to
 * `executing {node: null}`), the measure wait estimates are drawn from. And, for a failed job, what would help
 * beside what went wrong.
 */
export default {
  version: 6,
  name: 'job-numbers',
  sql: /* sql */ `
ALTER TABLE jobs ADD COLUMN number INTEGER;
UPDATE jobs SET number = (
  SELECT COUNT(*) FROM jobs AS earlier
  WHERE earlier.created_at < jobs.created_at OR (earlier.created_at = jobs.created_at AND earlier.id <= jobs.id)
);
CREATE UNIQUE INDEX jobs_number ON jobs(number);
ALTER TABLE jobs ADD COLUMN exec_ms INTEGER;
ALTER TABLE jobs ADD COLUMN error_hint TEXT;
`,
};
