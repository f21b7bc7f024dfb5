/**
 * A run's output files and their follower: lines as they are appended (the way ComfyUI writes, O_APPEND), the
 * tail of a run taken over (from the middle of a file: its cut first line is dropped), and a file emptied once it
 * grew past its limit while the writer goes on appending.
 */
import { appendFileSync, closeSync, statSync, truncateSync, writeSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createRunLogs, OutputFollower, type RunLogFiles } from '@core/comfy/launch/run-output';
import type { LogLine } from '@core/comfy/launch/log-tail';
import { tempDirs } from '@test/helpers/temp-dir';

const dirs = tempDirs();
const followers: OutputFollower[] = [];
afterEach(() => {
  for (const f of followers.splice(0)) f.stop();
  dirs.cleanup();
});

function follow(files: RunLogFiles, opts: ConstructorParameters<typeof OutputFollower>[2] = {}) {
  const lines: LogLine[] = [];
  const waiters: Array<{ text: string; resolve: () => void }> = [];
  const follower = new OutputFollower(
    files,
    (line) => {
      lines.push(line);
      for (const w of waiters.filter((x) => x.text === line.text)) w.resolve();
    },
    opts,
  );
  followers.push(follower);
  const seen = (text: string) =>
    lines.some((l) => l.text === text)
      ? Promise.resolve()
      : new Promise<void>((resolve) => waiters.push({ text, resolve }));
  return { follower, lines, seen };
}

describe('run output files', () => {
  it('makes a fresh pair per run and keeps the newest runs only', async () => {
    const dir = dirs.make();
    const made: RunLogFiles[] = [];
    for (let i = 0; i < 4; i++) {
      const { files, fds } = await createRunLogs(dir, 1_700_000_000_000 + i, 3);
      fds.forEach((fd) => closeSync(fd));
      made.push(files);
    }
    const exists = (p: string) => {
      try {
        statSync(p);
        return true;
      } catch {
        return false;
      }
    };
    expect(made.map((f) => exists(f.stdout) && exists(f.stderr))).toEqual([false, true, true, true]);
    // Two runs in the same millisecond get two pairs.
    const a = await createRunLogs(dir, 5, 10);
    const b = await createRunLogs(dir, 5, 10);
    [...a.fds, ...b.fds].forEach((fd) => closeSync(fd));
    expect(a.files.stdout).not.toBe(b.files.stdout);
  });

  it('hands over each line of both streams as it is appended, and the last unterminated one at the end', async () => {
    const { files, fds } = await createRunLogs(dirs.make(), Date.now());
    const { follower, lines, seen } = follow(files);
    await follower.start();
    writeSync(fds[1], 'Total VRAM 24105 MB\n');
    writeSync(fds[0], 'Checkpoint files will always be loaded safely.\n');
    await seen('Total VRAM 24105 MB');
    await seen('Checkpoint files will always be loaded safely.');
    writeSync(fds[1], 'To see the GUI go to: http://127.0.0.1:8188\nTraceback (no newline)');
    await seen('To see the GUI go to: http://127.0.0.1:8188');
    fds.forEach((fd) => closeSync(fd));
    await follower.finish();
    expect(lines.map((l) => `${l.stream}: ${l.text}`)).toEqual(
      expect.arrayContaining([
        'stderr: Total VRAM 24105 MB',
        'stdout: Checkpoint files will always be loaded safely.',
        'stderr: Traceback (no newline)',
      ]),
    );
  });

  it('a run taken over is read from near its end, without the cut line', async () => {
    const { files, fds } = await createRunLogs(dirs.make(), Date.now());
    fds.forEach((fd) => closeSync(fd));
    appendFileSync(files.stderr, `${'x'.repeat(200)}\nold line\nrecent line\n`);
    const { follower, lines, seen } = follow(files, { fromEnd: 30 });
    await follower.start();
    await seen('recent line');
    expect(lines.map((l) => l.text)).toEqual(['old line', 'recent line']);
  });

  it('empties a file past its limit; the writer goes on at the new end', async () => {
    const { files, fds } = await createRunLogs(dirs.make(), Date.now());
    const { follower, seen } = follow(files, { maxBytes: 1000 });
    await follower.start();
    for (let i = 0; i < 60; i++) writeSync(fds[1], `progress ${i} ${'#'.repeat(40)}\n`);
    await seen(`progress 59 ${'#'.repeat(40)}`);
    await follower.poll();
    expect(statSync(files.stderr).size).toBe(0);
    writeSync(fds[1], 'after the limit\n');
    await seen('after the limit');
    expect(statSync(files.stderr).size).toBeLessThan(100);
    fds.forEach((fd) => closeSync(fd));
  });
});

// The descriptors createRunLogs opens are in append mode, as the child's are: check it, so the test above means it.
describe('append mode', () => {
  it('writes land at the end after the file was emptied', async () => {
    const { files, fds } = await createRunLogs(dirs.make(), Date.now());
    writeSync(fds[0], 'abc\n');
    truncateSync(files.stdout, 0);
    writeSync(fds[0], 'de\n');
    expect(statSync(files.stdout).size).toBe(3);
    fds.forEach((fd) => closeSync(fd));
  });
});
