import { existsSync } from 'node:fs';
import { ApiError } from '@shared/api';
import type { Job } from '@shared/jobs';
import type { Output } from '@shared/library';
import { canSeeJob } from '@core/access/person';
import type { Library } from '@core/library/library';
import type { Handlers } from './dispatch';

type LibraryMethods =
  | 'library.byJob'
  | 'library.search'
  | 'library.get'
  | 'library.favourite'
  | 'library.delete'
  | 'library.stats'
  | 'library.reveal'
  | 'library.revealFolder'
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
  /** The job an output list is asked for, to check who may see it. */
  job(id: string): Job | null;
  /** Show a file in the system file manager; the desktop shell gives it (shell.showItemInFolder). */
  revealPath?: ((path: string) => void) | undefined;
}

export function libraryHandlers(deps: LibraryHandlerDeps): Pick<Handlers, LibraryMethods> {
  const { library } = deps;
  return {
    'library.byJob': ({ jobId }, { person }) => {
      const job = deps.job(jobId);
      if (!job || !canSeeJob(person, job))
        throw new ApiError({ code: 'not_found', message: `There is no job ${jobId.slice(0, 40)}.` });
      return library.byJob(jobId);
    },
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
    'library.revealFolder': () => {
      if (!deps.revealPath) return { path: library.dir, opened: false };
      deps.revealPath(library.dir);
      return { path: library.dir, opened: true };
    },
  };
}
