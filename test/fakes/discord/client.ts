/**
 * A real discord.js Client wired to the fake:
 *   new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.restUrl, cdn: fake.cdnUrl } })
 * `rest.api` is @discordjs/rest's base URL (it appends `/v${version}`, default 10); discord.js then GETs
 * `/gateway/bot` and connects to the returned `url` with `?v=10&encoding=json` (no `compress` unless
 * zlib-sync is installed, which it is not here).
 */
import { once } from 'node:events';
import { Client, Events, GatewayIntentBits, type ClientOptions } from 'discord.js';
import type { FakeDiscord } from './server';

/** Client options pointing at the fake, with short timeouts suited to tests. */
export function fakeClientOptions(fake: FakeDiscord, overrides: Partial<ClientOptions> = {}): ClientOptions {
  return {
    intents: [GatewayIntentBits.Guilds],
    waitGuildTimeout: 5_000,
    ...overrides,
    rest: { api: fake.restUrl, cdn: fake.cdnUrl, timeout: 10_000, ...overrides.rest },
  };
}

/** Log a discord.js Client in against the fake and resolve once it emitted `clientReady` (guilds cached). */
export async function createTestClient(
  fake: FakeDiscord,
  token: string = fake.token,
  overrides: Partial<ClientOptions> = {},
): Promise<Client<true>> {
  const client = new Client(fakeClientOptions(fake, overrides));
  const controller = new AbortController();
  const ready = once(client, Events.ClientReady, { signal: controller.signal });
  ready.catch(() => undefined); // rejected by abort() when login fails; the login error is what we throw
  try {
    await client.login(token);
    await ready;
    return client as Client<true>;
  } catch (error) {
    controller.abort();
    await client.destroy();
    throw error;
  }
}
