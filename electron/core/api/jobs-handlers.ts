import type { JobEngine } from '@core/jobs/engine';
import type { InputStore } from '@core/jobs/inputs';
import type { Store } from '../store';
import type { Handlers } from './dispatch';

type JobMethods =
  | 'jobs.submit'
  | 'jobs.get'
  | 'jobs.list'
  | 'jobs.queue'
  | 'jobs.cancel'
  | 'jobs.clearUser'
  | 'jobs.rerun'
  | 'jobs.uploadInput'
  | 'queue.pause';

export function jobsHandlers(deps: {
  engine: JobEngine;
  store: Store;
  inputs: InputStore;
}): Pick<Handlers, JobMethods> {
  const { engine, store } = deps;
  return {
    'jobs.submit': (input) => engine.submit(input),
    'jobs.get': ({ id }) => engine.get(id),
    'jobs.list': (input) => store.jobs.list(input),
    'jobs.queue': () => engine.snapshot(),
    'jobs.cancel': ({ id }) => engine.cancel(id),
    'jobs.clearUser': ({ userId }) => ({ cancelled: engine.clearUser(userId) }),
    'jobs.rerun': (input) => engine.rerun(input),
    'jobs.uploadInput': ({ filename, dataBase64 }) => deps.inputs.saveBase64(filename, dataBase64),
    'queue.pause': ({ paused }) => ({ paused: engine.setPaused(paused) }),
  };
}
