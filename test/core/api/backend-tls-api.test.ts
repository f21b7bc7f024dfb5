/**
 * A friend's ComfyUI behind an https reverse proxy with a self-signed certificate and a token, under a path
 * (issue 17), through the core API: not added while its certificate is not trusted (the refusal names the
 * fingerprint, nothing reaches the proxy); added with that fingerprint pinned, a job runs end to end over https
 * and wss with the token; the pin is kept across a restart of the core; a pin of another certificate is refused
 * with the backend saying so, and trusting the fingerprint it shows brings it back.
 */
import { describe, expect } from 'vitest';
import { ApiError, type EventPayload } from '@shared/api';
import type { BackendSummary } from '@shared/api/health';
import type { Job } from '@shared/jobs';
import type { Core } from '@core/app';
import { MemorySecretStore } from '@core/secrets';
import { healthUntil } from '@test/helpers/core';
import { it } from '@test/helpers/fixtures';
import { startAuthProxy } from '@test/fakes/auth-proxy';
import { testCertificate } from '@test/fakes/auth-proxy/certificates';
import { BUNDLED_DIR } from '../workflows/helpers';

const PROXY = testCertificate('proxy');
const OTHER = testCertificate('other');
const TOKEN = 'friend-token-7';

function jobEnds(c: Core, id: string): Promise<Job> {
  return new Promise((resolve) => {
    const now = c.store.jobs.get(id);
    if (now && ['done', 'failed'].includes(now.status)) return resolve(now);
    const off = c.events.on('job.changed', (job) => {
      if (job.id === id && (job.status === 'done' || job.status === 'failed')) {
        off();
        resolve(job);
      }
    });
  });
}

const only = (c: Core, check: (b: BackendSummary) => boolean) =>
  healthUntil(c, (h) => h.comfy.backends.length === 1 && check(h.comfy.backends[0]!));

describe('a ComfyUI behind an https proxy with a self-signed certificate', () => {
  it('is refused until its fingerprint is trusted; then a job runs over https + wss with the token, and the pin survives a restart', async ({
    startComfy,
    startCore,
    equippedModels,
    dataDir,
    defer,
  }) => {
    const fake = await startComfy({ models: equippedModels });
    const proxy = await startAuthProxy({ target: fake.url, token: TOKEN, tls: PROXY, prefix: '/comfy' });
    defer(() => proxy.close());
    const secrets = new MemorySecretStore();
    const core = await startCore({ dataDir, secrets, workflowsDir: BUNDLED_DIR });
    const url = `${proxy.url}/`;
    const auth = { kind: 'bearer' as const, token: TOKEN };

    const refused = await core.api.call('backends.add', { url, auth }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).title).toBe('Certificate not trusted');
    expect((refused as ApiError).message).toContain(PROXY.fingerprint);
    expect(proxy.passed).toEqual([]);
    const shown = await core.api.call('backends.certificate', { url });
    expect(shown).toMatchObject({ certificate: { fingerprint256: PROXY.fingerprint }, trusted: false });

    const online = only(core, (b) => b.status === 'idle');
    const added = await core.api.call('backends.add', {
      url,
      name: 'Friend',
      auth,
      trustCertificate: PROXY.fingerprint,
    });
    expect(added).toMatchObject({ url: proxy.url, auth: 'bearer', trustedCertificate: PROXY.fingerprint });
    await online;

    const library = new Promise<EventPayload<'library.added'>>((resolve) => core.events.on('library.added', resolve));
    const job = await core.api.call('jobs.submit', {
      workflow: 'sdxl-txt2img',
      prompt: 'a lighthouse at dusk',
      params: { steps: 3, width: 512, height: 512 },
    });
    expect((await jobEnds(core, job.id)).status).toBe('done');
    expect((await library)[0]!.jobId).toBe(job.id);
    expect(proxy.refused).toEqual([]);
    const passed = proxy.passed.join('\n');
    expect(passed).toMatch(/^UPGRADE \/comfy\/ws\?clientId=comfydesk-/m);
    expect(passed).toMatch(/^POST \/comfy\/api\/prompt$/m);
    expect(passed).toMatch(/^GET \/comfy\/api\/view\?filename=/m);

    // The core restarts: the backend comes back on its own with the same pin and token.
    await core.stop();
    const again = await startCore({
      dataDir,
      secrets,
      workflowsDir: BUNDLED_DIR,
      until: (h) => h.comfy.backends[0]?.status === 'idle',
    });
    expect((await again.api.call('backends.list', {}))[0]).toMatchObject({
      trustedCertificate: PROXY.fingerprint,
      auth: 'bearer',
      problem: null,
    });
  });

  it('with a pin of another certificate it says the certificate is not the trusted one; trusting the shown one brings it back', async ({
    comfy,
    startCore,
  }) => {
    const proxy = await startAuthProxy({ target: comfy.url, tls: PROXY });
    try {
      const core = await startCore();
      const added = await core.api.call('backends.add', {
        url: proxy.url,
        trustCertificate: OTHER.fingerprint,
        force: true,
      });
      const summary = await only(core, (b) => b.problem === 'certificate');
      expect(summary.comfy.backends[0]).toMatchObject({
        status: 'error',
        trustedCertificate: OTHER.fingerprint,
        untrustedCertificate: { fingerprint256: PROXY.fingerprint, subject: 'localhost' },
      });
      expect(summary.comfy.backends[0]!.error).toContain('not the one trusted for this backend');
      expect(proxy.passed).toEqual([]);

      const online = only(core, (b) => b.status === 'idle' && b.problem === null);
      await core.api.call('backends.trustCertificate', { id: added.id, fingerprint: PROXY.fingerprint });
      await online;
      // Back to the system's trust: refused again, with the fingerprint to compare.
      const untrusted = only(core, (b) => b.problem === 'certificate' && b.trustedCertificate === null);
      await core.api.call('backends.trustCertificate', { id: added.id, fingerprint: null });
      expect((await untrusted).comfy.backends[0]!.error).toContain(`fingerprint is ${PROXY.fingerprint}`);
      // The health check says it too, and what to do.
      const report = await core.api.call('health.run', { backendId: added.id });
      expect(report.results.find((r) => r.id === 'api')).toMatchObject({
        status: 'fail',
        details: expect.stringContaining(PROXY.fingerprint),
        fixHint: expect.stringContaining('Compare the certificate’s fingerprint with whoever runs that ComfyUI'),
      });
      const bad = await core.api
        .call('backends.trustCertificate', { id: added.id, fingerprint: 'not a fingerprint' })
        .catch((e: unknown) => e);
      expect((bad as ApiError).code).toBe('bad_request');
    } finally {
      await proxy.close();
    }
  });
});
