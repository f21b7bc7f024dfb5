/**
 * ComfyClient.folderPaths: GET /internal/folder_paths (no /api alias), else /api/experiment/models on a server
 * without the internal route, else null for an older server with neither (both answer 404).
 */
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ComfyClient } from '@core/comfy/protocol/client';
import { readFixture } from '@test/fakes/comfyui';

const servers: Server[] = [];
const clients: ComfyClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A server answering these paths with JSON, 404 otherwise; records what was asked. */
async function serve(routes: Record<string, unknown>): Promise<{ client: ComfyClient; asked: string[] }> {
  const asked: string[] = [];
  const server = createServer((req, res) => {
    asked.push(req.url ?? '');
    const body = routes[req.url ?? ''];
    if (body === undefined) return res.writeHead(404).end('404: Not Found');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const client = new ComfyClient({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}` });
  clients.push(client);
  return { client, asked };
}

describe('ComfyClient.folderPaths', () => {
  it('reads /internal/folder_paths as the recording shows it (and the [dirs, extensions] pair form)', async () => {
    const recorded = readFixture<Record<string, string[]>>('internal-folder-paths.json');
    const { client, asked } = await serve({ '/internal/folder_paths': recorded });
    expect(await client.folderPaths()).toEqual(recorded);
    expect(asked).toEqual(['/internal/folder_paths']);

    const pairs = await serve({ '/internal/folder_paths': { loras: [['/x/models/loras'], ['.safetensors']] } });
    expect(await pairs.client.folderPaths()).toEqual({ loras: ['/x/models/loras'] });
  });

  it('falls back to /api/experiment/models, and gives null when a server has neither', async () => {
    const experiment = readFixture<Array<{ name: string; folders: string[] }>>('experiment-models.json');
    const { client, asked } = await serve({ '/api/experiment/models': experiment });
    expect((await client.folderPaths())?.['checkpoints']).toEqual(experiment[0]!.folders);
    expect(asked).toEqual(['/internal/folder_paths', '/api/experiment/models']);

    const old = await serve({});
    expect(await old.client.folderPaths()).toBeNull();
  });

  it('refuses an answer it does not understand with a readable error', async () => {
    const { client } = await serve({ '/internal/folder_paths': { loras: 'not a list' } });
    await expect(client.folderPaths()).rejects.toThrow(/does not understand/);
  });
});
