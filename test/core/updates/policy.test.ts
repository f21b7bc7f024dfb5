import { describe, expect, it } from 'vitest';
import {
  CHECK_INTERVAL_MS,
  channelChoice,
  detectInstallKind,
  FIRST_CHECK_DELAY_MS,
  installSupport,
  isPrerelease,
  nextCheckAt,
  releaseNotesText,
  restartBlocker,
  RETRY_AFTER_ERROR_MS,
  type InstallFacts,
} from '@core/updates/policy';

const NOW = Date.UTC(2026, 3, 1, 12);
const HOUR = 3600_000;

describe('when to check', () => {
  it('first check shortly after start, then a day after the last one, an hour after a failure', () => {
    expect(nextCheckAt({ now: NOW, lastCheckAt: null, lastFailed: false })).toBe(NOW + FIRST_CHECK_DELAY_MS);
    expect(FIRST_CHECK_DELAY_MS).toBeLessThan(HOUR);
    expect(nextCheckAt({ now: NOW, lastCheckAt: NOW, lastFailed: false })).toBe(NOW + 24 * HOUR);
    expect(CHECK_INTERVAL_MS).toBe(24 * HOUR);
    expect(nextCheckAt({ now: NOW, lastCheckAt: NOW, lastFailed: true })).toBe(NOW + RETRY_AFTER_ERROR_MS);
    expect(RETRY_AFTER_ERROR_MS).toBe(HOUR);
  });

  it('an overdue check is due now, never in the past', () => {
    expect(nextCheckAt({ now: NOW, lastCheckAt: NOW - 3 * 24 * HOUR, lastFailed: false })).toBe(NOW);
  });
});

describe('channel choice', () => {
  it('stable reads latest.yml and ignores pre-releases; beta reads beta.yml and takes them', () => {
    expect(channelChoice('stable')).toEqual({ channel: 'latest', allowPrerelease: false, allowDowngrade: false });
    expect(channelChoice('beta')).toEqual({ channel: 'beta', allowPrerelease: true, allowDowngrade: false });
  });

  it('recognises pre-release versions', () => {
    expect(isPrerelease('1.4.0-beta.2')).toBe(true);
    expect(isPrerelease('1.4.0')).toBe(false);
    expect(isPrerelease('1.4.0+build-7')).toBe(false);
  });
});

describe('install kind', () => {
  const facts = (over: Partial<InstallFacts>): InstallFacts => ({
    platform: 'linux',
    isPackaged: true,
    env: {},
    packageType: null,
    nsisUninstaller: false,
    ...over,
  });

  it('tells each installer build apart from unpacked folders and development runs', () => {
    expect(detectInstallKind(facts({ isPackaged: false, env: { APPIMAGE: '/x.AppImage' } }))).toBe('development');
    expect(detectInstallKind(facts({ platform: 'win32', nsisUninstaller: true }))).toBe('nsis');
    expect(detectInstallKind(facts({ platform: 'win32' }))).toBe('unpacked');
    expect(detectInstallKind(facts({ platform: 'darwin' }))).toBe('mac');
    expect(detectInstallKind(facts({ env: { APPIMAGE: '/home/u/ComfyDesk.AppImage' } }))).toBe('appimage');
    expect(detectInstallKind(facts({ packageType: 'deb\n' }))).toBe('deb');
    expect(detectInstallKind(facts({ packageType: 'rpm' }))).toBe('unpacked');
    expect(detectInstallKind(facts({}))).toBe('unpacked');
  });

  it('the installer builds update themselves; the deb is updated through the package; others say how', () => {
    for (const kind of ['nsis', 'mac', 'appimage'] as const)
      expect(installSupport(kind)).toEqual({ checks: true, selfUpdate: true, manual: null });
    const deb = installSupport('deb');
    expect(deb).toMatchObject({ checks: true, selfUpdate: false });
    expect(deb.manual).toMatch(/update through the package/);
    expect(deb.manual).toContain('sudo apt install ./comfydesk_<version>_amd64.deb');
    for (const kind of ['unpacked', 'development', 'headless'] as const) {
      expect(installSupport(kind)).toMatchObject({ checks: false, selfUpdate: false });
      expect(installSupport(kind).manual).toBeTruthy();
    }
  });
});

describe('when it may restart', () => {
  it('never while a job runs or the bot is delivering, and says which', () => {
    expect(restartBlocker({ runningJobs: 0, delivering: false })).toBeNull();
    expect(restartBlocker({ runningJobs: 1, delivering: false })).toBe('1 job is running');
    expect(restartBlocker({ runningJobs: 3, delivering: false })).toBe('3 jobs are running');
    expect(restartBlocker({ runningJobs: 0, delivering: true })).toBe('the Discord bot is delivering results');
    expect(restartBlocker({ runningJobs: 2, delivering: true })).toBe(
      '2 jobs are running and the Discord bot is delivering results',
    );
  });
});

describe('release notes', () => {
  it('turns GitHub HTML into plain text', () => {
    const html =
      '<h2>What&#39;s new</h2><ul><li>Faster <b>gallery</b></li><li>Fix &amp; polish</li></ul><p>Thanks&nbsp;all<br>— team &#x2764;</p>';
    expect(releaseNotesText(html)).toBe("What's new\n\n• Faster gallery\n• Fix & polish\n\nThanks all\n— team ❤");
  });

  it('joins a full changelog, and is null when empty', () => {
    expect(
      releaseNotesText([
        { version: '1.2.0', note: '<p>B</p>' },
        { version: '1.1.0', note: null },
      ]),
    ).toBe('1.2.0\n\nB\n\n1.1.0');
    expect(releaseNotesText(null)).toBeNull();
    expect(releaseNotesText('<p> </p>')).toBeNull();
  });

  it('never passes markup through, and keeps long notes bounded', () => {
    expect(releaseNotesText('<script>alert(1)</script><img src=x onerror=alert(2)>ok')).toBe('alert(1)ok');
    expect(releaseNotesText('x'.repeat(50_000))!.length).toBe(20_001);
  });
});
