import { ChannelType, Client, GatewayIntentBits, PermissionFlagsBits } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestClient, fakeClientOptions, startFakeDiscord, type FakeDiscord } from './';

describe('discord.js Client against the fake: login', () => {
  let fake: FakeDiscord;
  const clients: Client[] = [];

  beforeEach(async () => {
    fake = await startFakeDiscord();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.destroy();
    await fake.close();
  });

  it('logs in, becomes ready and caches guilds, channels, roles and its own member', async () => {
    const client = await createTestClient(fake);
    clients.push(client);

    expect(client.user.id).toBe(fake.botUser.id);
    expect(client.application.id).toBe(fake.applicationId);
    const guild = client.guilds.cache.get(fake.guild('ComfyDesk Lab').id);
    expect(guild?.name).toBe('ComfyDesk Lab');
    expect(guild?.available).toBe(true);
    const general = guild?.channels.cache.find((c) => c.name === 'general');
    expect(general?.type).toBe(ChannelType.GuildText);
    expect(guild?.roles.cache.map((r) => r.name).sort()).toEqual(['@everyone', 'Artist']);
    expect(guild?.members.me?.id).toBe(fake.botUser.id);
    // The cache is good enough for permission checks (discord-facts.md §8.2).
    const perms = general && 'permissionsFor' in general ? general.permissionsFor(client.user) : null;
    expect(perms?.has([PermissionFlagsBits.SendMessages, PermissionFlagsBits.AttachFiles])).toBe(true);

    // What discord.js sent: GET /gateway/bot with the bot token, then IDENTIFY with the Guilds intent.
    const gatewayBot = fake.callsTo('GET', '/gateway/bot')[0];
    expect(gatewayBot?.headers.authorization).toBe(`Bot ${fake.token}`);
    expect(gatewayBot?.headers['user-agent']).toMatch(/^DiscordBot \(https:\/\/discord\.js\.org/);
    const identify = fake.gateway.frames.find((f) => f.direction === 'in' && f.op === 2);
    expect((identify?.d as { intents: number }).intents).toBe(GatewayIntentBits.Guilds);
    const sent = fake.gateway.frames.filter((f) => f.direction === 'out' && f.op === 0).map((f) => f.t);
    expect(sent.slice(0, 2)).toEqual(['READY', 'GUILD_CREATE']);
  });

  it('acknowledges the heartbeats discord.js sends on the HELLO interval', async () => {
    await fake.close();
    fake = await startFakeDiscord({ heartbeatIntervalMs: 50 });
    const client = await createTestClient(fake);
    clients.push(client);
    // Heartbeats carry the last sequence number discord.js saw; wait until one reports READY + GUILD_CREATE.
    let seq: unknown = null;
    while (typeof seq !== 'number' || seq < 2) seq = await fake.gateway.next('heartbeat');
    // discord.js only beats again once the previous beat was ACKed (else it drops the "zombie" connection).
    await fake.gateway.next('heartbeat');
    expect(client.ws.ping).toBeGreaterThanOrEqual(0);
    expect(fake.gateway.identifies).toBe(1);
    expect(fake.gateway.frames.filter((f) => f.direction === 'out' && f.op === 11).length).toBeGreaterThanOrEqual(2);
  });

  it('rejects login with a bad token (GET /gateway/bot answers 401)', async () => {
    const client = new Client(fakeClientOptions(fake));
    clients.push(client);
    await expect(client.login('not-the-token')).rejects.toMatchObject({ code: 'TokenInvalid' });
    const call = fake.callsTo('GET', '/gateway/bot')[0];
    expect(call?.status).toBe(401);
    expect(fake.gateway.identifies).toBe(0);
  });

  it('resumes after a server-side disconnect and replays events sent while disconnected', async () => {
    const client = await createTestClient(fake);
    clients.push(client);
    const resumed = fake.gateway.next('resumed');
    const closed = fake.gateway.next('close');
    fake.disconnect({ code: 4000 });
    await closed;
    // Dispatched while the bot is offline: must be replayed on RESUME.
    const seen = new Promise<string>((resolve) => client.once('interactionCreate', (i) => resolve(i.id)));
    const handle = fake.interactions.slash({ name: 'ping', user: 'alice' });
    await resumed;
    expect(await seen).toBe(handle.id);
    const resume = fake.gateway.frames.find((f) => f.direction === 'in' && f.op === 6);
    expect(resume?.d).toMatchObject({ token: fake.token });
    expect(fake.gateway.identifies).toBe(1);
    expect(fake.gateway.resumes).toBe(1);
    // First connection to the /gateway/bot url, the second to READY's resume_gateway_url.
    expect(fake.gateway.connectionUrls).toEqual(['/gateway?v=10&encoding=json', '/gateway/resume?v=10&encoding=json']);
  });
});
