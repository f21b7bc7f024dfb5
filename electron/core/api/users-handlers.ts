import type { UsersRepo } from '@core/store/users-repo';
import type { Handlers } from './dispatch';

export function usersHandlers(deps: { users: UsersRepo }): Pick<Handlers, 'users.list' | 'users.setDefaultDelivery'> {
  const { users } = deps;
  return {
    'users.list': ({ ids }) => users.list(ids),
    'users.setDefaultDelivery': ({ delivery }, { person }) => {
      users.upsert(person.userId, person.userName);
      return users.setDefaultDelivery(person.userId, delivery)!;
    },
  };
}
