/**
 * Jobs against a ComfyUI that is sound except for one route that misbehaves: a proxy in front of the fake
 * ComfyUI answers garbage, a 500 or a wrong shape on POST /prompt, /history or /view. Each job must end
 * (failed with a readable error, never stuck), the core must keep serving and the process must not crash.
 */
import { describe, expect } from 'vitest';
import type { Job } from '@shared/jobs';
import type { Core } from '@core/app';
import type { FakeComfy } from '@test/fakes/comfyui';
import { test } from '@test/helpers/fixtures';
import { BUNDLED_DIR } from '../workflows/helpers';
import { watchProcess } from '../server/harness';
import { answer, proxyTo, startHostileComfy, type HostileComfy, type HttpBehaviour } from './hostile-comfy';

interface Setup {
  core: Core;
  fake: FakeComfy;
  hostile: HostileComfy;
  crashes: string[];
}

/** The core online through a pass-through proxy (the hostile ComfyUI) in front of a fully equipped fake. */
const it = test.extend<{ setup: () => Promise<Setup> }>({
  setup: async ({ startComfy, startCore, defer, equippedModels }, use) =>
    use(async () => {
      const watch = watchProcess();
      defer(() => watch.detach());
      const fake = await startComfy({ models: equippedModels });
      const hostile = await startHostileComfy();
      defer(() => hostile.close());
      hostile.http = proxyTo(fake.url);
      hostile.acceptSocket = true;
      hostile.relaySocketTo = fake.url;
      const core = await startCore({
        comfyUrl: hostile.url,
        workflowsDir: BUNDLED_DIR,
        comfy: {
          backend: {
            client: { timeouts: { headersMs: 2000, bodyMs: 2000, slowMs: 2000 } },
            socket: { pollIntervalMs: 50 },
          },
        },
      });
      return { core, fake, hostile, crashes: watch.crashes };
    }),
});

function ended(core: Core, id: string): Promise<Job> {
  return new Promise((resolve) => {
    const check = (job: Job | null) => job && ['done', 'failed', 'cancelled'].includes(job.status);
    const now = core.store.jobs.get(id);
    if (check(now)) return resolve(now!);
    const off = core.events.on('job.changed', (job) => {
      if (job.id === id && check(job)) {
        off();
        resolve(job);
      }
    });
  });
}

/** Break one route (matched on "METHOD /api/path"); everything else goes to the fake. */
function breakRoute(hostile: HostileComfy, fakeUrl: string, route: RegExp, broken: HttpBehaviour): void {
  const pass = proxyTo(fakeUrl);
  hostile.http = (req, res) => (route.test(`${req.method} ${req.url}`) ? broken(req, res) : pass(req, res));
}

const submit = (core: Core) =>
  core.api.call(
    'jobs.submit',
    { workflow: 'sdxl-txt2img', prompt: 'a lamp', params: { steps: 2, width: 512, height: 512 } },
    { caller: 'test' },
  );

describe('jobs against a ComfyUI with one broken route', () => {
  it('runs a job through the proxy when nothing is broken', async ({ setup }) => {
    const { core, crashes } = await setup();
    const job = await ended(core, (await submit(core)).id);
    expect(job.status).toBe('done');
    expect(crashes).toEqual([]);
  });

  for (const [label, route, broken] of [
    ['POST /prompt answers garbage', /^POST \/api\/prompt/, answer(200, '{"prompt_id": [nonsense')],
    [
      'POST /prompt answers a wrong shape',
      /^POST \/api\/prompt/,
      answer(200, { prompt_id: 5, number: 'first', node_errors: 'none' }),
    ],
    ['POST /prompt answers 500', /^POST \/api\/prompt/, answer(500, '<h1>oops</h1>')],
    ['/history answers garbage', /^GET \/api\/history\//, answer(200, '{"x":')],
    ['/view answers 404', /^GET \/api\/view/, answer(404, 'no')],
    ['/view answers HTML instead of the image', /^GET \/api\/view/, answer(200, '<html>login page</html>')],
  ] as const) {
    it(`${label}: the job ends with a readable error and the core keeps serving`, async ({ setup }) => {
      const { core, fake, hostile, crashes } = await setup();
      breakRoute(hostile, fake.url, route, broken);
      const submitted = await submit(core).catch((err: Error) => err);
      if (submitted instanceof Error) {
        expect(submitted.message.length).toBeGreaterThan(10);
      } else {
        const job = await ended(core, submitted.id);
        expect(job.status, JSON.stringify(job.error)).toBe('failed');
        expect(JSON.stringify(job.error)).not.toMatch(/\[object Object\]|undefined/);
      }
      expect((await core.api.dispatch('jobs.queue', {}, { caller: 'test' })).ok).toBe(true);
      expect(crashes).toEqual([]);
    });
  }
});
