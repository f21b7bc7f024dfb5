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
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
  return join(root, 'node_modules', '.cache', 'comfydesk-electron', `electron-${version}-${platform}-${arch}`, 'better_sqlite3.node');
}

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', env: process.env });
  return result.status === 0;
}

/** Puts an Electron build at `<moduleDir>/build/Release/better_sqlite3.node`. Throws when neither way works. */
export function installElectronBinding(moduleDir, { version, platform, arch }) {
  const prebuild = require.resolve('prebuild-install/bin.js', { paths: [ROOT] });
  const args = [prebuild, '--runtime', 'electron', '--target', version, '--platform', platform, '--arch', arch, '--force', '--verbose'];
  if (run(process.execPath, args, moduleDir)) return 'prebuilt';
  if (platform !== process.platform || arch !== process.arch) {
    throw new Error(`no prebuilt ${MODULE} for Electron ${version} ${platform}-${arch}, and it cannot be compiled for another OS/CPU here`);
  }
  const gyp = require.resolve('node-gyp/bin/node-gyp.js', { paths: [ROOT] });
  const gypArgs = [gyp, 'rebuild', '--release', '--runtime=electron', `--target=${version}`, `--arch=${arch}`, '--dist-url=https://electronjs.org/headers'];
  if (run(process.execPath, gypArgs, moduleDir)) return 'compiled';
  throw new Error(`could not fetch or compile ${MODULE} for Electron ${version}`);
}

/** Development: an Electron build beside Node's, in node_modules/.cache. */
export function prepareDev({ root = ROOT, platform = process.platform, arch = process.arch } = {}) {
  const version = electronVersion(root);
  const target = devBindingPath(root, version, platform, arch);
  const work = mkdtempSync(join(tmpdir(), 'comfydesk-native-'));
  try {
    const copy = join(work, MODULE);
    cpSync(join(root, 'node_modules', MODULE), copy, { recursive: true, filter: (src) => !src.includes(`${MODULE}/build`) && !src.includes(`${MODULE}\\build`) });
    const how = installElectronBinding(copy, { version, platform, arch });
    mkdirSync(join(target, '..'), { recursive: true });
    copyFileSync(join(copy, BINARY), target);
    console.log(`${MODULE} for Electron ${version} (${how}): ${target}`);
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** electron-builder afterPack: the packaged app's unpacked better-sqlite3 gets the Electron build. */
export async function afterPack(context) {
  const platform = context.electronPlatformName;
  const arch = ARCH_NAMES[context.arch] ?? String(context.arch);
  const resources =
    platform === 'darwin' || platform === 'mas'
      ? join(context.appOutDir, `${context.packager.appInfo.productFilename}.app`, 'Contents', 'Resources')
      : join(context.appOutDir, 'resources');
  const moduleDir = [join(resources, 'app.asar.unpacked', 'node_modules', MODULE), join(resources, 'app', 'node_modules', MODULE)].find((d) =>
    existsSync(d),
  );
  if (!moduleDir) throw new Error(`${MODULE} is missing from the packaged app under ${resources} (check asarUnpack)`);
  const version = context.packager.config.electronVersion || electronVersion();
  const how = installElectronBinding(moduleDir, { version, platform: platform === 'mas' ? 'darwin' : platform, arch });
  // Build leftovers of Node's compile are not needed at run time.
  for (const extra of ['obj', 'obj.target', 'test_extension.node', 'sqlite3.a']) rmSync(join(moduleDir, 'build', 'Release', extra), { recursive: true, force: true });
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
