/**
 * A tiny method + path-template router for the REST routes. Templates use Discord's documented parameter
 * names (`/channels/{channel.id}/messages/{message.id}` -> `/channels/:channel_id/messages/:message_id`).
 */
import type { RecordedFile } from './recorder';

export interface RouteContext {
  method: string;
  /** Path after `/api/v10`, without query, e.g. `/channels/123/messages`. */
  path: string;
  /** Route template, e.g. `/channels/:channel_id/messages/:message_id`; `(unmatched)` when no route fits. */
  route: string;
  params: Record<string, string>;
  query: Record<string, string>;
  /** Request headers, names lower-cased; the Authorization value is kept so tests can assert `Bot …`. */
  headers: Record<string, string>;
  /** JSON body, or the parsed `payload_json` part of a multipart body. */
  json: unknown;
  files: RecordedFile[];
}

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteDef {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  pattern: string;
  /** 'bot': requires `Authorization: Bot <token>`; 'none': interaction callback / webhook token routes. */
  auth: 'bot' | 'none';
  /** Message edits count toward the edit limit; returns the key (channel or interaction token). */
  editKey?: (params: Record<string, string>) => string;
  handler: (ctx: RouteContext) => RouteResult | Promise<RouteResult>;
}

interface CompiledRoute {
  def: RouteDef;
  regex: RegExp;
  names: string[];
}

export class Router {
  private readonly routes: CompiledRoute[] = [];

  add(...defs: RouteDef[]): void {
    for (const def of defs) {
      const names: string[] = [];
      const source = def.pattern
        .split('/')
        .map((seg) => {
          if (seg.startsWith(':')) {
            names.push(seg.slice(1));
            return '([^/]+)';
          }
          return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        })
        .join('/');
      this.routes.push({ def, regex: new RegExp(`^${source}$`), names });
    }
  }

  match(method: string, path: string): { def: RouteDef; params: Record<string, string> } | null {
    for (const r of this.routes) {
      if (r.def.method !== method) continue;
      const m = r.regex.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      r.names.forEach((n, i) => {
        params[n] = m[i + 1] ?? '';
      });
      return { def: r.def, params };
    }
    return null;
  }

  /** True when some route exists for this path under another method (-> 405). */
  pathExists(path: string): boolean {
    return this.routes.some((r) => r.regex.test(path));
  }
}

/** The major parameter as @discordjs/rest and Discord compute it (discord-facts.md §5.2). */
export function majorParameter(path: string): string {
  const webhook = /^\/webhooks\/(\d+\/[^/?]+)/.exec(path);
  if (webhook?.[1]) return webhook[1];
  const top = /^\/(?:channels|guilds|webhooks)\/(\d+)/.exec(path);
  return top?.[1] ?? 'global';
}
