/**
 * Headless entry (plain Node, no Electron): the same core, served to a browser.
 *   node out/main/headless.js [--host 127.0.0.1] [--port 8787] [--data-dir DIR]
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createCoreHost } from '@core/host';
import { ConfigError, loadConfig } from '@core/config';
import { createFileLogger } from '@core/log-file';
import { startServer } from '@core/server/server';
import { loadOrCreateToken } from '@core/server/token';

const HELP = `ComfyDesk headless server

Usage: npm run serve -- [options]
  --host HOST       address to listen on (default 127.0.0.1; anything else is reachable from your network,
                    still protected by the access token)
  --port PORT       port (default 8787, 0 = any free port)
  --data-dir DIR    where the database, library, logs and token live
  -h, --help        this text

Environment: COMFYDESK_DATA_DIR, COMFYDESK_LIBRARY_DIR, COMFYDESK_HOST, COMFYDESK_PORT, COMFYDESK_COMFY_URLS,
COMFYDESK_COMFY_PATH, COMFYDESK_COMFY_AUTOLAUNCH, COMFYDESK_COMFY_ARGS (extra flags for the launched ComfyUI),
COMFYDESK_COMFY_PORT (its fixed port), COMFYDESK_LOG_LEVEL, COMFYDESK_DISCORD_TOKEN.`;

function rendererDir(): string | null {
  const candidates = [
    process.env.COMFYDESK_RENDERER_DIR,
    join(__dirname, '../renderer'),
    join(__dirname, '../out/renderer'),
  ];
  for (const dir of candidates) if (dir && existsSync(join(dir, 'index.html'))) return resolve(dir);
  return null;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new ConfigError(`--port must be a whole number from 0 to 65535, got "${values.port}"`);
  }
  const config = loadConfig({
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    overrides: { server: { ...(values.host ? { host: values.host } : {}), ...(port !== undefined ? { port } : {}) } },
  });
  const logger = createFileLogger({ dir: join(config.dataDir, 'logs'), level: config.logLevel });
  process.on('uncaughtException', (err) => logger.error('uncaught exception', { error: err }));
  process.on('unhandledRejection', (err) => logger.error('unhandled rejection', { error: err }));

  // The host checks the database first; a damaged one starts in recovery (the page offers to restore a backup).
  const core = createCoreHost({ config, mode: 'headless', logger });
  await core.start();
  if (core.state() === 'damaged')
    console.error('ComfyDesk: the database failed its check; open the page to restore a backup.');
  const { token, created } = loadOrCreateToken(join(config.dataDir, 'server-token'));
  const server = await startServer({
    api: core.api,
    events: core.events,
    logger: logger.child('server'),
    token,
    host: config.server.host,
    port: config.server.port,
    rendererDir: rendererDir(),
    resolveMedia: core.resolveMedia,
  });

  const loopback = ['127.0.0.1', 'localhost', '::1'].includes(config.server.host);
  if (!loopback)
    logger.warn(`listening on ${config.server.host}: reachable from other machines, protected by the access token`);
  // The one line tools and people look for: where it listens.
  console.log(`ComfyDesk listening on ${server.url}`);
  if (created)
    console.log(
      `Open ${server.url}/?token=${token}  (the access token is shown once; it is kept in ${join(config.dataDir, 'server-token')})`,
    );
  else
    console.log(`Open ${server.url}/?token=<token>  (the access token is in ${join(config.dataDir, 'server-token')})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`stopping on ${signal}`);
    await server.close().catch(() => {});
    await core.stop().catch(() => {});
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(
    err instanceof ConfigError ? err.message : `ComfyDesk could not start: ${(err as Error)?.message ?? String(err)}`,
  );
  process.exit(1);
});
