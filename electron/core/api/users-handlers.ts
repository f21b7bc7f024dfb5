import type { UsersRepo } from '@core/store/users-repo';
import type { Handlers } from './dispatch';

export function usersHandlers(deps: { users: UsersRepo }): Pick<Handlers, 'users.list'> {
  return { 'users.list': ({ ids }) => deps.users.list(ids) };
}
