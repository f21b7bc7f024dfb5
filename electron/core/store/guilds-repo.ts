import { z } from 'zod';
import {
  GuildLimitsSchema,
  GuildSettingsSchema,
  type Guild,
  type GuildLimits,
  type GuildSettings,
  type RoleLevel,
} from '@shared/guilds';
import type { Db } from './db';
import { readJson, toJson } from './json';

interface GuildRow {
  id: string;
  name: string;
  settings: string;
  limits: string;
  banned_words: string;
  joined_at: number | null;
  updated_at: number;
}

const toGuild = (r: GuildRow): Guild => ({
  id: r.id,
  name: r.name,
  settings: readJson(GuildSettingsSchema, r.settings, {}),
  limits: readJson(GuildLimitsSchema, r.limits, {}),
  bannedWords: readJson(z.array(z.string()), r.banned_words, []),
  joinedAt: r.joined_at,
  updatedAt: r.updated_at,
});

/** Guilds the bot is in, their settings, limits, banned words and role mapping. */
export class GuildsRepo {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  upsert(id: string, name: string): Guild {
    const at = this.now();
    this.db
      .prepare(
        `INSERT INTO guilds (id, name, joined_at, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at`,
      )
      .run(id, name, at, at);
    return this.get(id)!;
  }

  /** The bot is in this server (it joined, or was there at login): remembered, with since when. */
  joined(id: string, name: string, joinedAt: number | null): Guild {
    this.db.transaction(() => {
      const known = this.get(id);
      this.upsert(id, name);
      if (!known || known.joinedAt === null) {
        this.db.prepare('UPDATE guilds SET joined_at = ? WHERE id = ?').run(joinedAt ?? this.now(), id);
      }
    })();
    return this.get(id)!;
  }

  /** The bot was removed from this server (its settings stay, for when it comes back). */
  left(id: string): void {
    this.db.prepare('UPDATE guilds SET joined_at = NULL, updated_at = ? WHERE id = ?').run(this.now(), id);
  }

  get(id: string): Guild | null {
    const row = this.db.prepare('SELECT * FROM guilds WHERE id = ?').get(id) as GuildRow | undefined;
    return row ? toGuild(row) : null;
  }

  list(): Guild[] {
    return (this.db.prepare('SELECT * FROM guilds ORDER BY name COLLATE NOCASE').all() as GuildRow[]).map(toGuild);
  }

  remove(id: string): void {
    this.db.prepare('DELETE FROM guilds WHERE id = ?').run(id);
  }

  setSettings(id: string, settings: GuildSettings): void {
    this.db
      .prepare('UPDATE guilds SET settings = ?, updated_at = ? WHERE id = ?')
      .run(toJson(GuildSettingsSchema.parse(settings)), this.now(), id);
  }

  setLimits(id: string, limits: GuildLimits): void {
    this.db
      .prepare('UPDATE guilds SET limits = ?, updated_at = ? WHERE id = ?')
      .run(toJson(GuildLimitsSchema.parse(limits)), this.now(), id);
  }

  setBannedWords(id: string, words: string[]): void {
    const clean = [...new Set(words.map((w) => w.trim().toLowerCase()).filter(Boolean))].sort();
    this.db
      .prepare('UPDATE guilds SET banned_words = ?, updated_at = ? WHERE id = ?')
      .run(toJson(clean), this.now(), id);
  }

  /** Replace the role → level mapping for a level (e.g. all generator roles). */
  setRoles(guildId: string, level: RoleLevel, roleIds: string[]): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM guild_roles WHERE guild_id = ? AND level = ?').run(guildId, level);
      const insert = this.db.prepare(
        'INSERT INTO guild_roles (guild_id, role_id, level) VALUES (?, ?, ?) ON CONFLICT(guild_id, role_id) DO UPDATE SET level = excluded.level',
      );
      for (const roleId of roleIds) insert.run(guildId, roleId, level);
    })();
  }

  roles(guildId: string): { roleId: string; level: RoleLevel }[] {
    return (
      this.db
        .prepare('SELECT role_id, level FROM guild_roles WHERE guild_id = ? ORDER BY level, role_id')
        .all(guildId) as {
        role_id: string;
        level: RoleLevel;
      }[]
    ).map((r) => ({ roleId: r.role_id, level: r.level }));
  }
}
