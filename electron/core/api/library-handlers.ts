import { existsSync } from 'node:fs';
import { ApiError } from '@shared/api';
import type { Output } from '@shared/library';
import type { Library } from '@core/library/library';
import type { Handlers } from './dispatch';

type LibraryMethods =
  | 'library.search'
  | 'library.get'
  | 'library.favourite'
  | 'library.delete'
  | 'library.stats'
  | 'library.reveal'
  | 'library.facets';

function found(output: Output | null, id: number): Output {
  if (!output)
    throw new ApiError({
      code: 'not_found',
      message: `Output ${id} is not in the library (it may have been deleted).`,
    });
  return output;
}

export interface LibraryHandlerDeps {
  library: Library;
  /** Show a file in the system file manager; the desktop shell gives it (shell.showItemInFolder). */
  revealPath?: ((path: string) => void) | undefined;
}

export function libraryHandlers(deps: LibraryHandlerDeps): Pick<Handlers, LibraryMethods> {
  const { library } = deps;
  return {
    'library.search': (query) => library.search(query),
    'library.get': ({ id }) => found(library.get(id), id),
    'library.favourite': ({ id, favourite }) => found(library.setFavourite(id, favourite), id),
    'library.delete': async ({ ids }) => ({ removed: await library.removeMany(ids) }),
    'library.stats': () => library.stats(),
    'library.facets': () => library.facets(),
    'library.reveal': ({ id }) => {
      const output = found(library.get(id), id);
      if (!existsSync(output.filePath)) {
        throw new ApiError({ code: 'not_found', message: `The file of output ${id} is gone from ${output.filePath}.` });
      }
      if (!deps.revealPath) return { path: output.filePath, opened: false };
      deps.revealPath(output.filePath);
      return { path: output.filePath, opened: true };
    },
  };
}
