#!/usr/bin/env node
/**
 * better-sqlite3 for Electron without ever replacing Node's build in node_modules (so `npm test` keeps working).
 *
 *   node scripts/electron-native.mjs     development: fetch an Electron-ABI build into node_modules/.cache
 *                                         (electron/main/native-modules.ts points the app at it)
 *   electron-builder afterPack hook       packaging: install the Electron build into the packaged app's own,
 *                                         unpacked copy of better-sqlite3 (electron-builder.yml: npmRebuild: false)
 *
 * Both download the prebuilt binary better-sqlite3 publishes for Electron (prebuild-install, needs internet) and
 * fall back to compiling against Electron's headers (node-gyp, same OS and CPU only, needs a C++ toolchain).
 * sharp needs nothing: it is a Node-API addon and loads in both runtimes as installed.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const MODULE = 'better-sqlite3';
const BINARY = join('build', 'Release', 'better_sqlite3.node');
/** electron-builder's Arch enum, by value. */
const ARCH_NAMES = { 0: 'ia32', 1: 'x64', 2: 'armv7l', 3: 'arm64', 4: 'universal' };

export function electronVersion(root = ROOT) {
  return JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
}

/** Must match devSqliteBindingPath in electron/main/native-modules.ts (a test checks it). */
export function devBindingPath(root, version, platform, arch) {
  return join(
    root,
    'node_modules',
    '.cache',
    'comfydesk-electron',
    `electron-${version}-${platform}-${arch}`,
    'better_sqlite3.node',
  );
}

function run(command, args, cwd, env = process.env) {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', env });
  return result.status === 0;
}

/** Puts an Electron build at `<moduleDir>/build/Release/better_sqlite3.node`. Throws when neither way works. */
export function installElectronBinding(moduleDir, { version, platform, arch }) {
  const prebuild = require.resolve('prebuild-install/bin.js', { paths: [ROOT] });
  const args = [
    prebuild,
    '--runtime',
    'electron',
    '--target',
    version,
    '--platform',
    platform,
    '--arch',
    arch,
    '--force',
    '--verbose',
  ];
  if (run(process.execPath, args, moduleDir)) return 'prebuilt';
  if (platform !== process.platform || arch !== process.arch) {
    throw new Error(
      `no prebuilt ${MODULE} for Electron ${version} ${platform}-${arch}, and it cannot be compiled for another OS/CPU here`,
    );
  }
  const gyp = require.resolve('node-gyp/bin/node-gyp.js', { paths: [ROOT] });
  const gypArgs = [
    gyp,
    'rebuild',
    '--release',
    '--runtime=electron',
    `--target=${version}`,
    `--arch=${arch}`,
    '--dist-url=https://electronjs.org/headers',
  ];
  // A Node headers dir from npm config would win over Electron's headers.
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.toLowerCase() === 'npm_config_nodedir') delete env[key];
  if (run(process.execPath, gypArgs, moduleDir, env)) return 'compiled';
  throw new Error(`could not fetch or compile ${MODULE} for Electron ${version}`);
}

/**
 * An Electron build of better_sqlite3.node copied to `target`, made in a temporary copy of the checkout's module
 * (never in node_modules itself). COMFYDESK_ELECTRON_SQLITE_BINARY names a ready binary to use instead (offline
 * packaging with a binary fetched elsewhere; it must match the target Electron, OS and CPU).
 */
export function buildElectronBinary(target, { root = ROOT, version, platform, arch }) {
  mkdirSync(dirname(target), { recursive: true });
  const ready = process.env.COMFYDESK_ELECTRON_SQLITE_BINARY;
  if (ready) {
    copyFileSync(ready, target);
    return 'given';
  }
  const work = mkdtempSync(join(tmpdir(), 'comfydesk-native-'));
  try {
    const copy = join(work, MODULE);
    const source = join(root, 'node_modules', MODULE);
    cpSync(source, copy, { recursive: true, filter: (src) => src !== join(source, 'build') });
    const how = installElectronBinding(copy, { version, platform, arch });
    copyFileSync(join(copy, BINARY), target);
    return how;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Development: an Electron build beside Node's, in node_modules/.cache. */
export function prepareDev({ root = ROOT, platform = process.platform, arch = process.arch } = {}) {
  const version = electronVersion(root);
  const target = devBindingPath(root, version, platform, arch);
  const how = buildElectronBinary(target, { root, version, platform, arch });
  console.log(`${MODULE} for Electron ${version} (${how}): ${target}`);
  return target;
}

/** electron-builder afterPack: the packaged app's unpacked better-sqlite3 gets the Electron build. */
export async function afterPack(context) {
  const platform = context.electronPlatformName;
  const arch = ARCH_NAMES[context.arch] ?? String(context.arch);
  const resources =
    platform === 'darwin' || platform === 'mas'
      ? join(context.appOutDir, `${context.packager.appInfo.productFilename}.app`, 'Contents', 'Resources')
      : join(context.appOutDir, 'resources');
  const moduleDir = [
    join(resources, 'app.asar.unpacked', 'node_modules', MODULE),
    join(resources, 'app', 'node_modules', MODULE),
  ].find((d) => existsSync(d));
  if (!moduleDir) throw new Error(`${MODULE} is missing from the packaged app under ${resources} (check asarUnpack)`);
  const version = context.packager.config.electronVersion || electronVersion();
  const release = join(moduleDir, 'build', 'Release');
  const how = buildElectronBinary(join(release, 'better_sqlite3.node'), {
    version,
    platform: platform === 'mas' ? 'darwin' : platform,
    arch,
  });
  // Only the addon is needed at run time: not the leftovers of Node's compile, nor the sources.
  const keep = (dir, name) =>
    readdirSync(dir)
      .filter((e) => e !== name)
      .forEach((e) => rmSync(join(dir, e), { recursive: true, force: true }));
  keep(join(moduleDir, 'build'), 'Release');
  keep(release, 'better_sqlite3.node');
  for (const extra of ['deps', 'src']) rmSync(join(moduleDir, extra), { recursive: true, force: true });
  console.log(`  • ${MODULE} for Electron ${version} ${platform}-${arch} (${how})`);
}

export default afterPack;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    prepareDev();
  } catch (err) {
    console.error(`electron-native: ${err.message}`);
    process.exit(1);
  }
}
