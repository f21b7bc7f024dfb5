/**
 * Shared by the fault checklist (faults.test.ts): what a readable message is, a core with its bot on the fake
 * Discord, a server on loopback that is not ComfyUI, and a port some other program holds.
 */
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { expect } from 'vitest';
import type { HealthCheckResult, HealthReport } from '@shared/api/health';
import type { Core } from '@core/app';
import { fakeClientOptions, ManualClock, startFakeDiscord, type FakeDiscord } from '@test/fakes/discord';
import type { FakeDiscordOptions } from '@test/fakes/discord';
import type { CoreFixtures } from '@test/helpers/fixtures';
import { BUNDLED_DIR } from '@test/core/workflows/helpers';

/** Signs of a message written for a program, not a person. */
const STACK = /^\s*at .+:\d+:\d+\)?$|Traceback \(most recent call last\)/m;
const RAW = [
  /\bE[A-Z]{3,}[A-Z_]*\b/, // ECONNREFUSED, ENOENT, EADDRINUSE…
  /\bHTTP \d{3}\b/,
  /\b(?:status|code|errno) ?\d{2,}\b/i,
  /\[object Object\]|\bundefined\b|\bnull\b/,
  /\bUND_ERR_\w+/,
];

/**
 * The message reads as a sentence for a person: no stack trace, no raw error code, and it names the fix (each of
 * `fix` is found in it). A launch error's last output lines (after "Last output:") are ComfyUI's own and shown as
 * they are; only the summary before them is held to this.
 */
export function expectReadable(message: string, ...fix: Array<string | RegExp>): void {
  const summary = message.split('\nLast output:')[0]!;
  expect(summary, 'a stack trace').not.toMatch(STACK);
  for (const raw of RAW) expect(summary, `a raw code (${String(raw)})`).not.toMatch(raw);
  for (const f of fix) {
    if (typeof f === 'string') expect(message).toContain(f);
    else expect(message).toMatch(f);
  }
}

/** A check of a report by id, failing the test when it is not there. */
export function checkOf(report: HealthReport, id: string): HealthCheckResult {
  const found = report.results.find((r) => r.id === id);
  expect(found, `check ${id} in ${report.results.map((r) => r.id).join(', ')}`).toBeDefined();
  return found!;
}

/** A check's details and hint as one text (what the Health page shows). */
export const shown = (r: HealthCheckResult): string => `${r.details} ${r.fixHint}`;

/** An HTTP server on loopback that answers everything with 404 (a web app on the wrong port). */
export async function notComfy(defer: (fn: () => unknown) => void): Promise<string> {
  const server = createHttpServer((_req, res) =>
    res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Hi</h1>'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  defer(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

/** A port another program listens on. */
export async function takenPort(defer: (fn: () => unknown) => void): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  defer(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as { port: number }).port;
}

/** A port nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A fake Discord (closed after the test) and a started core whose bot is pointed at it (not logged in yet). */
export async function discordWorld(
  f: Pick<CoreFixtures, 'defer' | 'startCore'>,
  options: Partial<FakeDiscordOptions> = {},
  comfyUrl?: string,
): Promise<{ discord: FakeDiscord; core: Core }> {
  const discord = await startFakeDiscord({ clock: new ManualClock(Date.now()), ...options });
  f.defer(() => discord.close());
  const core = await f.startCore({
    workflowsDir: BUNDLED_DIR,
    ...(comfyUrl ? { comfyUrl } : {}),
    discord: { clientOptions: fakeClientOptions(discord), cdnOrigins: [discord.cdnUrl] },
  });
  return { discord, core };
}
