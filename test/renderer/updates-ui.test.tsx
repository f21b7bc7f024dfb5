/**
 * What the app shows of an update: the banner above every page (release notes, "Restart to update", the wait
 * while jobs run, the .deb's own way) and the Settings card's status line. Rendered to static markup in Node.
 */
import { renderToStaticMarkup } from 'react-dom/server';
import type { UpdateState } from '@shared/api/updates';
import type { ComfyDeskBridge } from '@shared/ipc';
import { afterEach, describe, expect, it, vi } from 'vitest';

const bridge: ComfyDeskBridge = { call: () => new Promise(() => undefined), on: () => () => undefined };

async function load() {
  vi.stubGlobal('window', { comfydesk: bridge, addEventListener: () => undefined });
  vi.stubGlobal('location', { hash: '' });
  vi.resetModules();
  const { UpdateBannerView } = await import('../../renderer/src/components/UpdateBanner');
  const { checkedMessage } = await import('../../renderer/src/stores/update-store');
  const { updateLine } = await import('../../renderer/src/pages/settings/UpdatesCard');
  const banner = (state: Partial<UpdateState> | null) =>
    renderToStaticMarkup(
      <UpdateBannerView
        state={state && { ...BASE, ...state }}
        onRestart={() => undefined}
        onCancel={() => undefined}
      />,
    );
  return { banner, updateLine, checkedMessage };
}

const BASE: UpdateState = {
  install: 'nsis',
  status: 'up-to-date',
  current: '1.0.0',
  version: null,
  releaseNotes: null,
  percent: null,
  channel: 'stable',
  autoCheck: true,
  lastCheckAt: null,
  nextCheckAt: null,
  error: null,
  restartBlockedBy: null,
  restartPending: false,
  manual: null,
  releasesUrl: 'https://github.com/o/r/releases',
};

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('update banner', () => {
  it('shows nothing until an update is downloaded', async () => {
    const { banner } = await load();
    expect(banner(null)).toBe('');
    expect(banner({ status: 'up-to-date' })).toBe('');
    expect(banner({ status: 'downloading', version: '1.1.0', percent: 40 })).toBe('');
  });

  it('a downloaded update: its notes and "Restart to update"', async () => {
    const { banner } = await load();
    const html = banner({ status: 'downloaded', version: '1.1.0', releaseNotes: 'Faster gallery\n• Fixes' });
    expect(html).toContain('ComfyDesk 1.1.0 is ready to install');
    expect(html).toContain('Restart to update');
    expect(html).toContain('<summary>Release notes</summary>');
    expect(html).toContain('Faster gallery\n• Fixes');
  });

  it('while it waits for running jobs it says so, and can be called off', async () => {
    const { banner } = await load();
    const html = banner({
      status: 'downloaded',
      version: '1.1.0',
      restartPending: true,
      restartBlockedBy: '2 jobs are running',
    });
    expect(html).toContain('Restarting once nothing runs: 2 jobs are running.');
    expect(html).toContain('Not now');
    expect(html).not.toContain('Restart to update');
  });

  it('the .deb is told the version is out and how to update it, with the Releases page', async () => {
    const { banner } = await load();
    const html = banner({
      install: 'deb',
      status: 'available',
      version: '1.1.0',
      manual: 'Installed from the .deb package: update through the package.',
    });
    expect(html).toContain('ComfyDesk 1.1.0 is out');
    expect(html).toContain('update through the package');
    expect(html).toContain('href="https://github.com/o/r/releases"');
    expect(html).not.toContain('Restart to update');
  });
});

describe('update status line', () => {
  it('says where the updater stands', async () => {
    const { updateLine, checkedMessage } = await load();
    expect(updateLine({ ...BASE, status: 'up-to-date' })).toBe('Version 1.0.0 is the newest.');
    expect(updateLine({ ...BASE, status: 'downloading', version: '1.1.0', percent: 40 })).toBe(
      'Downloading version 1.1.0… 40 %',
    );
    expect(updateLine({ ...BASE, status: 'unsupported', manual: 'A development run: update the checkout.' })).toBe(
      'A development run: update the checkout.',
    );
    expect(updateLine({ ...BASE, status: 'error', error: 'The update check failed: offline' })).toBe(
      'The update check failed: offline',
    );
    expect(checkedMessage({ ...BASE, status: 'up-to-date' })).toBe('ComfyDesk 1.0.0 is the newest version.');
  });
});
