/**
 * A ComfyUI behind an https reverse proxy with a self-signed certificate, served under a path (issue 17): the HTTP
 * client, the WebSocket and the "is this ComfyUI?" probe refuse the certificate with its fingerprint and send
 * nothing to it; with that fingerprint pinned they work (https + wss under the prefix); a pin of another
 * certificate is refused, and so is a certificate the proxy swaps in later.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ComfyClient } from '@core/comfy/protocol/client';
import { ComfyError } from '@core/comfy/protocol/errors';
import { probeComfy } from '@core/comfy/protocol/probe';
import { ComfySocket } from '@core/comfy/protocol/socket';
import { CertificateNotTrustedError, certificateErrorOf, readPeerCertificate } from '@core/comfy/protocol/tls';
import { startAuthProxy, type AuthProxy } from '@test/fakes/auth-proxy';
import { testCertificate } from '@test/fakes/auth-proxy/certificates';
import { startFakeComfy, type FakeComfy } from '@test/fakes/comfyui';

const PROXY = testCertificate('proxy');
const OTHER = testCertificate('other');

const open: Array<{ close(): Promise<unknown> } | { stop(): Promise<unknown> }> = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) await ('close' in x ? x.close() : x.stop());
});

async function tlsProxy(): Promise<{ fake: FakeComfy; proxy: AuthProxy }> {
  const fake = await startFakeComfy();
  open.push(fake);
  const proxy = await startAuthProxy({ target: fake.url, tls: PROXY, prefix: '/comfy' });
  open.push(proxy);
  return { fake, proxy };
}

function client(url: string, tlsPin: string | null): ComfyClient {
  const c = new ComfyClient({ url, tlsPin });
  open.push(c);
  return c;
}

function socketResult(url: string, tlsPin: string | null): Promise<'open' | Error> {
  const s = new ComfySocket({ url, clientId: 'c1', tlsPin, pollAfterFailures: 100, heartbeatMs: 0 });
  open.push(s);
  return new Promise((resolve) => {
    s.once('open', () => resolve('open'));
    s.once('error', (err) => resolve(err));
    s.start();
  });
}

describe('the WebSocket address of a ComfyUI', () => {
  it('is wss for https and keeps a reverse proxy’s path prefix', () => {
    const ws = (url: string) => new ComfySocket({ url, clientId: 'abc 1' }).wsUrl;
    expect(ws('https://host.example/comfy/')).toBe('wss://host.example/comfy/ws?clientId=abc%201');
    expect(ws('https://host.example:8443/a/b')).toBe('wss://host.example:8443/a/b/ws?clientId=abc%201');
    expect(ws('http://10.0.0.2:8188')).toBe('ws://10.0.0.2:8188/ws?clientId=abc%201');
  });
});

describe('https to a proxy with a self-signed certificate', () => {
  it('is refused without a pin, naming the fingerprint, and nothing reaches the proxy', async () => {
    const { proxy } = await tlsProxy();
    const err = await client(proxy.url, null)
      .systemStats()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ComfyError);
    expect((err as ComfyError).message).toContain('is not trusted (it is self-signed)');
    expect((err as ComfyError).message).toContain(PROXY.fingerprint);
    expect(certificateErrorOf(err)?.certificate.fingerprint256).toBe(PROXY.fingerprint);

    const ws = await socketResult(proxy.url, null);
    expect(ws).toBeInstanceOf(CertificateNotTrustedError);
    expect((ws as CertificateNotTrustedError).certificate.subject).toBe('localhost');

    const probe = await probeComfy(proxy.url, { timeoutMs: 3000 });
    expect(probe).toMatchObject({ kind: 'unreachable', certificate: { fingerprint256: PROXY.fingerprint } });
    expect(proxy.passed).toEqual([]);
  });

  it('works with the certificate pinned: https calls, the probe and wss under the prefix', async () => {
    const { proxy } = await tlsProxy();
    const c = client(proxy.url, PROXY.fingerprint);
    await expect(c.systemStats()).resolves.toMatchObject({ system: { comfyui_version: '0.3.64' } });
    await expect(c.getQueue()).resolves.toEqual({ running: [], pending: [] });
    await expect(probeComfy(`${proxy.url}/`, { tlsPin: PROXY.fingerprint })).resolves.toMatchObject({
      kind: 'comfyui',
      url: proxy.url,
    });
    // A pin written without colons, in lower case, is the same pin.
    const loose = PROXY.fingerprint.replace(/:/g, '').toLowerCase();
    expect(await socketResult(`${proxy.url}/`, loose)).toBe('open');
    expect(proxy.passed).toEqual(
      expect.arrayContaining(['GET /comfy/api/system_stats', 'GET /comfy/api/queue', 'UPGRADE /comfy/ws?clientId=c1']),
    );
  });

  it('refuses a pin of another certificate, and a certificate the proxy swaps in later', async () => {
    const { proxy } = await tlsProxy();
    const wrong = await client(proxy.url, OTHER.fingerprint)
      .systemStats()
      .catch((e: unknown) => e);
    expect((wrong as Error).message).toContain('not the one trusted for this backend');
    expect((wrong as Error).message).toContain(PROXY.fingerprint);
    expect(await socketResult(proxy.url, OTHER.fingerprint)).toBeInstanceOf(CertificateNotTrustedError);
    expect(proxy.passed).toEqual([]);

    proxy.setCertificate(OTHER);
    const swapped = await client(proxy.url, PROXY.fingerprint)
      .systemStats()
      .catch((e: unknown) => e);
    expect(certificateErrorOf(swapped)?.certificate.fingerprint256).toBe(OTHER.fingerprint);
    expect(proxy.passed).toEqual([]);
  });

  it('reads the certificate an address presents, from the handshake alone', async () => {
    const { proxy } = await tlsProxy();
    await expect(readPeerCertificate(proxy.url)).resolves.toMatchObject({
      certificate: { fingerprint256: PROXY.fingerprint, subject: 'localhost', issuer: 'localhost' },
      trusted: false,
      reason: 'it is self-signed',
    });
    expect(proxy.passed).toEqual([]);
    await expect(readPeerCertificate('http://127.0.0.1:1')).rejects.toThrow(/not an https address/);
  });
});
