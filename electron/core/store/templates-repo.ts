import { z } from 'zod';
import type { Template } from '@shared/templates';
import type { Db } from './db';
import { bool, readJson, toJson } from './json';

interface TemplateRow {
  id: number;
  owner_id: string;
  guild_id: string | null;
  shared: number;
  name: string;
  prompt: string;
  negative: string;
  params: string;
  workflow: string;
  models: string;
  lora: string | null;
  created_at: number;
  updated_at: number;
}

const toTemplate = (r: TemplateRow): Template => ({
  id: r.id,
  ownerId: r.owner_id,
  guildId: r.guild_id,
  shared: bool(r.shared),
  name: r.name,
  prompt: r.prompt,
  negative: r.negative,
  params: readJson(z.record(z.string(), z.unknown()), r.params, {}),
  workflow: r.workflow,
  models: readJson(z.record(z.string(), z.string()), r.models, {}),
  lora: r.lora === null ? null : readJson(LoraSchema.nullable(), r.lora, null),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export type TemplateDraft = Pick<
  Template,
  'ownerId' | 'guildId' | 'shared' | 'name' | 'prompt' | 'negative' | 'params' | 'workflow'
> &
  Partial<Pick<Template, 'models' | 'lora'>>;

const LoraSchema = z.object({ name: z.string(), strength: z.number().optional() });

export class TemplatesRepo {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  /**
   * Save by (owner, guild scope, name): a second save of the same name replaces the first. `times` keeps the
   * template's own dates (an import); otherwise it is made or changed now.
   */
  save(draft: TemplateDraft, times?: { createdAt: number; updatedAt: number }): Template {
    const at = times?.updatedAt ?? this.now();
    const existing = this.findByName(draft.ownerId, draft.guildId, draft.name);
    if (existing) {
      this.db
        .prepare(
          `UPDATE templates SET shared = ?, prompt = ?, negative = ?, params = ?, workflow = ?, models = ?, lora = ?,
           created_at = ?, updated_at = ? WHERE id = ?`,
        )
        .run(
          draft.shared ? 1 : 0,
          draft.prompt,
          draft.negative,
          toJson(draft.params),
          draft.workflow,
          toJson(draft.models ?? {}),
          draft.lora ? toJson(draft.lora) : null,
          times?.createdAt ?? existing.createdAt,
          at,
          existing.id,
        );
      return this.get(existing.id)!;
    }
    const info = this.db
      .prepare(
        `INSERT INTO templates (owner_id, guild_id, shared, name, prompt, negative, params, workflow, models, lora,
           created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        draft.ownerId,
        draft.guildId,
        draft.shared ? 1 : 0,
        draft.name,
        draft.prompt,
        draft.negative,
        toJson(draft.params),
        draft.workflow,
        toJson(draft.models ?? {}),
        draft.lora ? toJson(draft.lora) : null,
        times?.createdAt ?? at,
        at,
      );
    return this.get(Number(info.lastInsertRowid))!;
  }

  get(id: number): Template | null {
    const row = this.db.prepare('SELECT * FROM templates WHERE id = ?').get(id) as TemplateRow | undefined;
    return row ? toTemplate(row) : null;
  }

  findByName(ownerId: string, guildId: string | null, name: string): Template | null {
    const row = this.db
      .prepare("SELECT * FROM templates WHERE owner_id = ? AND COALESCE(guild_id, '') = COALESCE(?, '') AND name = ?")
      .get(ownerId, guildId, name) as TemplateRow | undefined;
    return row ? toTemplate(row) : null;
  }

  /** What a user may load in a guild: their own plus the guild's shared ones. */
  visibleTo(userId: string, guildId: string | null): Template[] {
    return (
      this.db
        .prepare(
          `SELECT * FROM templates
           WHERE owner_id = ? OR (shared = 1 AND guild_id IS NOT NULL AND guild_id = ?)
           ORDER BY name COLLATE NOCASE, id`,
        )
        .all(userId, guildId) as TemplateRow[]
    ).map(toTemplate);
  }

  list(): Template[] {
    return (
      this.db.prepare('SELECT * FROM templates ORDER BY guild_id, name COLLATE NOCASE').all() as TemplateRow[]
    ).map(toTemplate);
  }

  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM templates WHERE id = ?').run(id).changes > 0;
  }
}
