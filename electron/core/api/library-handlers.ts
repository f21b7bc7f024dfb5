import { ApiError } from '../../../shared/api';
import type { Output } from '../../../shared/library';
import type { Library } from '../library/library';
import type { Handlers } from './dispatch';

type LibraryMethods = 'library.search' | 'library.get' | 'library.favourite' | 'library.delete' | 'library.stats';

function found(output: Output | null, id: number): Output {
  if (!output) throw new ApiError({ code: 'not_found', message: `Output ${id} is not in the library (it may have been deleted).` });
  return output;
}

export function libraryHandlers(deps: { library: Library }): Pick<Handlers, LibraryMethods> {
  const { library } = deps;
  return {
    'library.search': (query) => library.search(query),
    'library.get': ({ id }) => found(library.get(id), id),
    'library.favourite': ({ id, favourite }) => found(library.setFavourite(id, favourite), id),
    'library.delete': async ({ ids }) => ({ removed: await library.removeMany(ids) }),
    'library.stats': () => library.stats(),
  };
}
