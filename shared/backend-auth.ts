/**
 * Access to a ComfyUI behind a reverse proxy: a bearer token or a user name and password (HTTP basic). Sent with
 * every HTTP request and the WebSocket upgrade; kept in the secret store, never shown back (the API says only
 * which kind is set).
 */
import { z } from 'zod';

export const BackendAuthSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('bearer'), token: z.string().trim().min(1).max(4096) }).strict(),
  z
    .object({
      kind: z.literal('basic'),
      username: z
        .string()
        .min(1)
        .max(256)
        .refine((u) => !u.includes(':'), 'a user name cannot contain ":"'),
      password: z.string().max(1024),
    })
    .strict(),
]);
export type BackendAuth = z.infer<typeof BackendAuthSchema>;

/** What the API tells about a backend's access (never the secret). */
export const BackendAuthKindSchema = z.enum(['none', 'bearer', 'basic']);
export type BackendAuthKind = z.infer<typeof BackendAuthKindSchema>;
