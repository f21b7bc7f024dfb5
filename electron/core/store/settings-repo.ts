import { z } from 'zod';
import {
  applySettingsPatch,
  defaultSettings,
  SettingsSchema,
  type Settings,
  type SettingsPatch,
} from '@shared/settings';
import type { Db } from './db';

/** Settings as one row per top-level key (JSON value). Unknown or corrupt rows fall back to defaults. */
export class SettingsRepo {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  /** Parsed settings, kept until the next write (read on every scheduling round). */
  private cached: Settings | null = null;

  get(): Settings {
    if (this.cached) return structuredClone(this.cached);
    const rows = this.db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[];
    const base = defaultSettings() as Record<string, unknown>;
    const shape = SettingsSchema.shape as Record<string, z.ZodType>;
    for (const row of rows) {
      const field = shape[row.key];
      if (!field) continue;
      try {
        const parsed = field.safeParse(JSON.parse(row.value));
        if (parsed.success) base[row.key] = parsed.data;
      } catch {
        // keep the default for a corrupt row
      }
    }
    this.cached = SettingsSchema.parse(base);
    return structuredClone(this.cached);
  }

  update(patch: SettingsPatch): Settings {
    return this.db.transaction(() => {
      const next = applySettingsPatch(this.get(), patch);
      const stmt = this.db.prepare(
        'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
      );
      const at = this.now();
      for (const key of Object.keys(patch) as (keyof Settings)[]) stmt.run(key, JSON.stringify(next[key]), at);
      this.cached = null;
      return next;
    })();
  }

  /** Replace every setting with these (an import): nothing of the current ones is kept. */
  replace(settings: Settings): Settings {
    const next = SettingsSchema.parse(settings);
    this.db.transaction(() => {
      const stmt = this.db.prepare(
        'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
      );
      const at = this.now();
      for (const key of Object.keys(next) as (keyof Settings)[]) stmt.run(key, JSON.stringify(next[key]), at);
      this.cached = null;
    })();
    return this.get();
  }

  /** Raw key/value access for core-internal values (e.g. the remembered ComfyUI URL). */
  getValue<T extends z.ZodType>(key: string, schema: T): z.output<T> | undefined {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(`internal.${key}`) as
      { value: string } | undefined;
    if (!row) return undefined;
    try {
      const parsed = schema.safeParse(JSON.parse(row.value));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  setValue(key: string, value: unknown): void {
    this.db
      .prepare(
        'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
      )
      .run(`internal.${key}`, JSON.stringify(value), this.now());
  }
}
