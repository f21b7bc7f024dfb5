/** Set-up for the BackendManager tests: a real store in a temp dir, an event bus, and waits on events (no sleeps). */
import { join } from 'node:path';
import { removedBackendUrls } from '@core/store/backends-repo';
import { BackendManager, type BackendManagerOptions } from '@core/comfy/backends/manager';
import type { Config } from '@core/config';
import { EventBus } from '@core/events';
import { openStore, type Store } from '@core/store';
import { systemClock } from '@core/clock';
import { tempDirs } from '@test/helpers/temp-dir';

export const dirs = tempDirs();

export interface ManagerHarness {
  store: Store;
  events: EventBus;
  manager: BackendManager;
  dataDir: string;
  /** A second manager on the same store (the app restarted). */
  reopen(extra?: Partial<BackendManagerOptions>): BackendManager;
  close(): Promise<void>;
}

export function comfyConfig(patch: Partial<Config['comfy']> = {}): Config['comfy'] {
  return { urls: [], autoLaunch: false, startTimeoutSec: 30, extraArgs: [], ...patch };
}

export function makeManager(extra: Partial<BackendManagerOptions> = {}, dataDir = dirs.make()): ManagerHarness {
  const store = openStore(join(dataDir, 'comfydesk.db'), systemClock);
  const events = new EventBus();
  const managers: BackendManager[] = [];
  const create = (more: Partial<BackendManagerOptions>) => {
    const m = new BackendManager({
      records: store.backends,
      removed: removedBackendUrls(store.settings),
      settings: () => store.settings.get(),
      events,
      config: comfyConfig(),
      launchDir: join(dataDir, 'comfyui'),
      discoverUrls: [],
      backend: { socket: { backoffBaseMs: 20, backoffMaxMs: 100, backoffMinMs: 5 } },
      ...more,
    });
    managers.push(m);
    return m;
  };
  const manager = create(extra);
  return {
    store,
    events,
    manager,
    dataDir,
    reopen: (more = {}) => create({ ...extra, ...more }),
    close: async () => {
      for (const m of managers) await m.stop();
      store.close();
    },
  };
}

/** Resolves once `check()` holds, re-checked after every `changed`/`status` of the manager. */
export function until<T>(manager: BackendManager, check: () => T | null | undefined | false): Promise<T> {
  return new Promise((resolve) => {
    const now = check();
    if (now) return resolve(now);
    const offs: Array<() => void> = [];
    const test = () => {
      const v = check();
      if (v) {
        for (const off of offs) off();
        resolve(v);
      }
    };
    offs.push(manager.on('changed', test), manager.on('status', test), manager.on('launcher', test));
  });
}
