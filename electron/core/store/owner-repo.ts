/**
 * The owner on Discord: the one linked Discord account, the log of owner actions (who, when, what), and who may
 * not generate where (a server, or everywhere: stored as guild '').
 */
import type { OwnerAction, OwnerStatus, UserBlock } from '@shared/api/owner';
import type { Db } from './db';

interface ActionRow {
  id: number;
  at: number;
  via: 'discord' | 'desktop';
  user_id: string;
  user_name: string;
  action: string;
  target: string | null;
  detail: string;
}

interface BlockRow {
  user_id: string;
  guild_id: string;
  reason: string;
  by_name: string;
  at: number;
  user_name: string | null;
  guild_name: string | null;
}

export type NewOwnerAction = Omit<OwnerAction, 'id' | 'at'>;

export class OwnerRepo {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  linked(): OwnerStatus['linked'] {
    const row = this.db.prepare('SELECT discord_user_id, user_name, linked_at FROM owner_link WHERE id = 1').get() as
      { discord_user_id: string; user_name: string; linked_at: number } | undefined;
    return row ? { userId: row.discord_user_id, userName: row.user_name, linkedAt: row.linked_at } : null;
  }

  link(userId: string, userName: string): void {
    this.db
      .prepare(
        `INSERT INTO owner_link (id, discord_user_id, user_name, linked_at) VALUES (1, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET discord_user_id = excluded.discord_user_id, user_name = excluded.user_name,
           linked_at = excluded.linked_at`,
      )
      .run(userId, userName, this.now());
  }

  unlink(): void {
    this.db.prepare('DELETE FROM owner_link').run();
  }

  log(action: NewOwnerAction): OwnerAction {
    const at = this.now();
    const { lastInsertRowid } = this.db
      .prepare(
        'INSERT INTO owner_actions (at, via, user_id, user_name, action, target, detail) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(at, action.via, action.userId, action.userName, action.action, action.target, action.detail);
    return { ...action, id: Number(lastInsertRowid), at };
  }

  actions(limit: number): OwnerAction[] {
    return (
      this.db.prepare('SELECT * FROM owner_actions ORDER BY at DESC, id DESC LIMIT ?').all(limit) as ActionRow[]
    ).map((r) => ({
      id: r.id,
      at: r.at,
      via: r.via,
      userId: r.user_id,
      userName: r.user_name,
      action: r.action,
      target: r.target,
      detail: r.detail,
    }));
  }

  block(userId: string, guildId: string | null, reason: string, by: string): void {
    this.db
      .prepare(
        `INSERT INTO user_blocks (user_id, guild_id, reason, by_name, at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(user_id, guild_id) DO UPDATE SET reason = excluded.reason, by_name = excluded.by_name, at = excluded.at`,
      )
      .run(userId, guildId ?? '', reason, by, this.now());
  }

  /** Lift a block; true when there was one. */
  unblock(userId: string, guildId: string | null): boolean {
    return (
      this.db.prepare('DELETE FROM user_blocks WHERE user_id = ? AND guild_id = ?').run(userId, guildId ?? '').changes >
      0
    );
  }

  /** The block that stops this user in this server (a server's own first, then everywhere), or null. */
  blockOf(userId: string, guildId: string | null): UserBlock | null {
    const row = this.db
      .prepare(
        `SELECT b.*, u.name AS user_name, g.name AS guild_name FROM user_blocks b
         LEFT JOIN users u ON u.id = b.user_id LEFT JOIN guilds g ON g.id = NULLIF(b.guild_id, '')
         WHERE b.user_id = ? AND b.guild_id IN (?, '') ORDER BY b.guild_id = '' LIMIT 1`,
      )
      .get(userId, guildId ?? '') as BlockRow | undefined;
    return row ? toBlock(row) : null;
  }

  blocks(): UserBlock[] {
    return (
      this.db
        .prepare(
          `SELECT b.*, u.name AS user_name, g.name AS guild_name FROM user_blocks b
           LEFT JOIN users u ON u.id = b.user_id LEFT JOIN guilds g ON g.id = NULLIF(b.guild_id, '')
           ORDER BY b.at DESC`,
        )
        .all() as BlockRow[]
    ).map(toBlock);
  }
}

function toBlock(r: BlockRow): UserBlock {
  return {
    userId: r.user_id,
    userName: r.user_name ?? r.user_id,
    guildId: r.guild_id === '' ? null : r.guild_id,
    guildName: r.guild_id === '' ? null : (r.guild_name ?? r.guild_id),
    reason: r.reason,
    at: r.at,
    by: r.by_name,
  };
}
