/** The people jobs and outputs belong to (Discord users and the desktop user), for showing names instead of ids. */
import { z } from 'zod';
import { UserSchema } from '../guilds';
import { DeliverySchema } from '../settings';
import { method } from './define';

export const usersMethods = {
  'users.list': method(
    z
      .object({ ids: z.array(z.string().min(1).max(64)).max(500).optional() })
      .strict()
      .optional()
      .default({}),
    z.array(UserSchema),
    'These users by id (unknown ids are left out), or the most recently seen ones.',
  ),
  'users.setDefaultDelivery': method(
    z.object({ delivery: DeliverySchema }).strict(),
    UserSchema,
    "Where the caller's results go by default (a Discord user: channel or DM).",
  ),
};
