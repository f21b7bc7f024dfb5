/**
 * What the take-over tests ask of a headless core (test/helpers/headless.ts) that launches ComfyUI: when its
 * launched ComfyUIs are online.
 */
import type { Headless } from '@test/helpers/headless';

/** Resolves once `count` of the headless core's launched ComfyUIs are online (asked again on every health change). */
export function launchedOnline(h: Headless, count = 1): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    const check = () =>
      void h.api.call('backends.list', {}).then((list) => {
        const online = list.filter((b) => b.kind === 'launched' && (b.status === 'idle' || b.status === 'busy'));
        if (done || online.length < count) return;
        done = true;
        off();
        resolve();
      });
    const off = h.api.on('health.changed', check);
    check();
  });
}
