import type { Delivery } from '@shared/settings';
import type { User } from '@shared/guilds';
import type { Db } from './db';

interface UserRow {
  id: string;
  name: string;
  default_delivery: Delivery;
  delivery_chosen: number;
  created_at: number;
  updated_at: number;
}

const toUser = (r: UserRow): User => ({
  id: r.id,
  name: r.name,
  defaultDelivery: r.delivery_chosen ? r.default_delivery : null,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class UsersRepo {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  /** Create the user or refresh their display name. */
  upsert(id: string, name: string): User {
    const at = this.now();
    this.db
      .prepare(
        `INSERT INTO users (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at`,
      )
      .run(id, name, at, at);
    return this.get(id)!;
  }

  get(id: string): User | null {
    const row = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    return row ? toUser(row) : null;
  }

  /** These users (unknown ids are skipped), or the most recently seen ones. */
  list(ids?: readonly string[], limit = 500): User[] {
    if (ids) {
      if (ids.length === 0) return [];
      const rows = this.db
        .prepare(`SELECT * FROM users WHERE id IN (${ids.map(() => '?').join(', ')})`)
        .all(...ids) as UserRow[];
      return rows.map(toUser);
    }
    return (this.db.prepare('SELECT * FROM users ORDER BY updated_at DESC LIMIT ?').all(limit) as UserRow[]).map(
      toUser,
    );
  }

  /** The user's own choice of where results go (their server's default applies until they choose). */
  setDefaultDelivery(id: string, delivery: Delivery): User | null {
    this.db
      .prepare('UPDATE users SET default_delivery = ?, delivery_chosen = 1, updated_at = ? WHERE id = ?')
      .run(delivery, this.now(), id);
    return this.get(id);
  }
}
