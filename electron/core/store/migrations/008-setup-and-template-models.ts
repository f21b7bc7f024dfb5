/**
 * The setup guide's progress (one row per step: done or skipped, and when), and templates that remember which
 * model files and LoRA they use (the same shape a job request has: model file by the workflow's model setting).
 */
export default {
  version: 8,
  name: 'setup-and-template-models',
  sql: /* sql */ `
CREATE TABLE setup_steps (
  step       TEXT PRIMARY KEY,
  state      TEXT NOT NULL CHECK (state IN ('done', 'skipped')),
  updated_at INTEGER NOT NULL
);
ALTER TABLE templates ADD COLUMN models TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(models));
ALTER TABLE templates ADD COLUMN lora TEXT CHECK (lora IS NULL OR json_valid(lora));
`,
};
