/**
 * The update decisions, as plain functions: when to look for a new version, which channel to ask for, how this
 * copy was installed (and so whether it updates itself), and what keeps it from restarting now. The manager
 * (manager.ts) applies them on the injected clock; the Electron shell only supplies the facts.
 */
import type { InstallKind } from '@shared/api/updates';
import type { UpdateChannel } from '@shared/settings';

/** A check a day while the app keeps running. */
export const CHECK_INTERVAL_MS = 24 * 60 * 60 * 1000;
/** The first check of a run waits for start-up to settle (ComfyUI, the bot) instead of competing with it. */
export const FIRST_CHECK_DELAY_MS = 30 * 1000;
/** After a failed check (offline, GitHub down) try again sooner than a day. */
export const RETRY_AFTER_ERROR_MS = 60 * 60 * 1000;
/** While a restart waits for jobs or deliveries, look again this often. */
export const BUSY_POLL_MS = 5 * 1000;

export interface CheckHistory {
  now: number;
  /** When the last check of this run ended, null before the first. */
  lastCheckAt: number | null;
  lastFailed: boolean;
}

/** When the next automatic check is due (never in the past). */
export function nextCheckAt({ now, lastCheckAt, lastFailed }: CheckHistory): number {
  if (lastCheckAt === null) return now + FIRST_CHECK_DELAY_MS;
  const due = lastCheckAt + (lastFailed ? RETRY_AFTER_ERROR_MS : CHECK_INTERVAL_MS);
  return Math.max(now, due);
}

/** What electron-updater is told to look for. */
export interface ChannelChoice {
  /** The update file the provider reads: latest.yml / beta.yml (and their -mac / -linux twins). */
  channel: 'latest' | 'beta';
  /** GitHub: whether releases marked as pre-release count. */
  allowPrerelease: boolean;
  /**
   * Never install an older version: someone on 1.5.0-beta.2 who switches back to stable keeps it until a stable
   * release is newer (electron-updater would otherwise allow the downgrade when the channel changes).
   */
  allowDowngrade: false;
}

export function channelChoice(channel: UpdateChannel): ChannelChoice {
  return channel === 'beta'
    ? { channel: 'beta', allowPrerelease: true, allowDowngrade: false }
    : { channel: 'latest', allowPrerelease: false, allowDowngrade: false };
}

/** `1.4.0-beta.2` is a pre-release; `1.4.0` and `1.4.0+build.7` are not. */
export function isPrerelease(version: string): boolean {
  return version.split('+')[0]!.includes('-');
}

export interface InstallFacts {
  platform: NodeJS.Platform;
  /** app.isPackaged */
  isPackaged: boolean;
  env: NodeJS.ProcessEnv;
  /** The contents of `resources/package-type` (electron-builder writes `deb` there for the .deb), null if absent. */
  packageType: string | null;
  /** Whether the NSIS uninstaller sits beside the executable (an installed copy, not an unpacked folder). */
  nsisUninstaller: boolean;
}

/** How this copy was installed, from the facts the shell reads. */
export function detectInstallKind(facts: InstallFacts): InstallKind {
  if (!facts.isPackaged) return 'development';
  switch (facts.platform) {
    case 'win32':
      return facts.nsisUninstaller ? 'nsis' : 'unpacked';
    case 'darwin':
      return 'mac';
    case 'linux':
      if (facts.env.APPIMAGE) return 'appimage';
      return facts.packageType?.trim() === 'deb' ? 'deb' : 'unpacked';
    default:
      return 'unpacked';
  }
}

export interface InstallSupport {
  /** Looks for new versions (and tells the user). */
  checks: boolean;
  /** Downloads and installs them itself. */
  selfUpdate: boolean;
  /** How to update otherwise. */
  manual: string | null;
}

export function installSupport(kind: InstallKind): InstallSupport {
  switch (kind) {
    case 'nsis':
    case 'mac':
    case 'appimage':
      return { checks: true, selfUpdate: true, manual: null };
    case 'deb':
      return {
        checks: true,
        selfUpdate: false,
        manual:
          'Installed from the .deb package: update through the package. Download the new .deb from the Releases ' +
          'page and install it with `sudo apt install ./comfydesk_<version>_amd64.deb` (or your package manager).',
      };
    case 'unpacked':
      return {
        checks: false,
        selfUpdate: false,
        manual:
          'This unpacked copy does not update itself: install ComfyDesk with an installer from the Releases page.',
      };
    case 'development':
      return {
        checks: false,
        selfUpdate: false,
        manual: 'A development run: update the checkout (git pull, npm ci, npm run build).',
      };
    case 'headless':
      return {
        checks: false,
        selfUpdate: false,
        manual: 'The headless server updates with its checkout: git pull, npm ci, npm run build, then start it again.',
      };
  }
}

export interface BusyFacts {
  /** Jobs sent to ComfyUI and not yet collected (submitted, running, collecting). */
  runningJobs: number;
  /** The Discord bot is posting a result (or retrying one it kept). */
  delivering: boolean;
}

/** Why the app may not restart now (a running job would be cut off, a result half sent), or null. */
export function restartBlocker({ runningJobs, delivering }: BusyFacts): string | null {
  const reasons: string[] = [];
  if (runningJobs > 0) reasons.push(runningJobs === 1 ? '1 job is running' : `${runningJobs} jobs are running`);
  if (delivering) reasons.push('the Discord bot is delivering results');
  return reasons.length ? reasons.join(' and ') : null;
}

const MAX_NOTES = 20_000;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Release notes as plain text (GitHub hands them over as HTML; a full changelog as a list of notes). */
export function releaseNotesText(
  notes: string | ReadonlyArray<{ version: string; note: string | null }> | null | undefined,
): string | null {
  if (notes == null) return null;
  const html = typeof notes === 'string' ? notes : notes.map((n) => `<h3>${n.version}</h3>${n.note ?? ''}`).join('');
  const text = html
    .replace(/<\s*br\s*\/?>/gi, '\n')
    .replace(/<\s*li[^>]*>/gi, '\n• ')
    .replace(/<\/\s*(p|div|ul|ol|h[1-6]|pre|blockquote)\s*>/gi, '\n\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] === '#') {
        const code = name[1]!.toLowerCase() === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  if (!text) return null;
  return text.length > MAX_NOTES ? `${text.slice(0, MAX_NOTES)}…` : text;
}
