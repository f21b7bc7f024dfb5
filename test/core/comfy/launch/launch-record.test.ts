/**
 * What the next start does with the ComfyUI a previous run of the app recorded, decided from what the pid is now
 * and whether ComfyUI answers on the recorded port; and telling our ComfyUI's command line from another program's
 * (a pid can be reused after a crash or a reboot, and that program must never be stopped).
 */
import { describe, expect, it } from 'vitest';
import { nullLogger } from '@core/log';
import { reclaimPrevious, type LaunchRecord } from '@core/comfy/launch/launch-record';
import { identifyProcess, runsComfyOn, type ProcessIdentity } from '@core/comfy/launch/process-info';

const record: LaunchRecord = {
  pid: 4242,
  port: 8190,
  startedAt: Date.UTC(2026, 0, 1),
  launchPath: '/home/me/ComfyUI',
  mainPy: '/home/me/ComfyUI/main.py',
  files: { stdout: '/data/comfyui/logs/a.stdout.log', stderr: '/data/comfyui/logs/a.stderr.log' },
};

function decide(identity: ProcessIdentity, answers: boolean, launchPath: string | null = record.launchPath) {
  const stopped: number[] = [];
  const asked: string[] = [];
  const result = reclaimPrevious(record, {
    launchPath,
    identify: () => Promise.resolve(identity),
    answers: (url) => {
      asked.push(url);
      return Promise.resolve(answers);
    },
    stopTree: (pid) => {
      stopped.push(pid);
      return Promise.resolve(true);
    },
    log: nullLogger,
  });
  return result.then((outcome) => ({ outcome, stopped, asked }));
}

describe('the ComfyUI left by the previous session', () => {
  it('is taken over when it is ours and answers on its port', async () => {
    const { outcome, stopped, asked } = await decide('ours', true);
    expect(outcome).toEqual({ kind: 'adopt', record });
    expect(stopped).toEqual([]);
    expect(asked[0]).toBe('http://127.0.0.1:8190');
  });

  it('has its tree stopped when it is ours but does not answer (asked twice first)', async () => {
    const { outcome, stopped, asked } = await decide('ours', false);
    expect(outcome).toMatchObject({ kind: 'stopped', why: 'it did not answer on port 8190' });
    expect(stopped).toEqual([4242]);
    expect(asked).toHaveLength(2);
  });

  it('is stopped when the settings now launch another folder, or none', async () => {
    const other = await decide('ours', true, '/home/me/ComfyUI-new');
    expect(other.outcome).toMatchObject({ kind: 'stopped', why: expect.stringContaining('ComfyUI-new') });
    expect(other.stopped).toEqual([4242]);
    const none = await decide('ours', true, null);
    expect(none.outcome).toMatchObject({ kind: 'stopped', why: 'no ComfyUI folder is set to launch any more' });
  });

  it('is forgotten when it is gone, and another program holding its pid is never touched', async () => {
    expect((await decide('gone', false)).outcome.kind).toBe('gone');
    const reused = await decide('other', true);
    expect(reused.outcome).toMatchObject({ kind: 'gone', why: expect.stringContaining('another program') });
    expect(reused.stopped).toEqual([]);
  });

  it('whose command line cannot be read is taken over only when ComfyUI answers on its port, and never stopped', async () => {
    expect((await decide('unknown', true)).outcome.kind).toBe('adopt');
    const silent = await decide('unknown', false);
    expect(silent.outcome.kind).toBe('gone');
    expect(silent.stopped).toEqual([]);
  });
});

describe('telling our ComfyUI from another process', () => {
  const want = { mainPy: '/home/me/ComfyUI/main.py', port: 8190 };

  it('reads an argument list (Linux) and a command line (macOS, Windows)', () => {
    const argv = [
      '/home/me/ComfyUI/venv/bin/python',
      '/home/me/ComfyUI/main.py',
      '--listen',
      '127.0.0.1',
      '--port',
      '8190',
    ];
    expect(runsComfyOn(argv, want, 'linux')).toBe(true);
    expect(
      runsComfyOn(
        argv.map((a) => (a === '8190' ? '8191' : a)),
        want,
        'linux',
      ),
    ).toBe(false);
    expect(runsComfyOn(['/usr/bin/python3', '-m', 'http.server', '8190'], want, 'linux')).toBe(false);
    expect(runsComfyOn(argv.join(' '), want, 'darwin')).toBe(true);
    expect(runsComfyOn(`${argv.join(' ')}0`, want, 'darwin')).toBe(false); // port 81900
    const win = '"C:\\AI\\python_embeded\\python.exe" C:\\AI\\ComfyUI\\main.py --listen 127.0.0.1 --port 8190 --cpu';
    expect(runsComfyOn(win, { mainPy: 'C:/AI/ComfyUI/main.py', port: 8190 }, 'win32')).toBe(true);
  });

  it('this test process is alive but not ComfyUI; a pid that does not exist is gone', async () => {
    expect(await identifyProcess(process.pid, want)).toBe('other');
    expect(await identifyProcess(2 ** 22 + 17, want)).toBe('gone');
  });
});
