import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  clampWindowState,
  readWindowState,
  writeWindowState,
  DEFAULT_WINDOW_SIZE,
} from '../../electron/main/window-state';
import { tempDirs } from '../helpers/temp-dir';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

const laptop = { x: 0, y: 0, width: 1440, height: 870 };
const rightMonitor = { x: 1440, y: -200, width: 2560, height: 1400 };

describe('window state', () => {
  it('round-trips through its file; a missing, broken or foreign file means none', () => {
    const file = join(dirs.make(), 'sub', 'window-state.json');
    expect(readWindowState(file)).toBeNull();
    writeWindowState(file, { x: 10, y: 20, width: 1000, height: 700, maximized: true });
    expect(readWindowState(file)).toEqual({ x: 10, y: 20, width: 1000, height: 700, maximized: true });
    writeFileSync(file, '{"x": 1, "wid');
    expect(readWindowState(file)).toBeNull();
    writeFileSync(file, JSON.stringify({ width: -5, height: 'tall' }));
    expect(readWindowState(file)).toBeNull();
  });

  it('no saved state: default size centred on the primary display', () => {
    expect(clampWindowState(null, [laptop])).toEqual({ x: 80, y: 25, ...DEFAULT_WINDOW_SIZE, maximized: false });
  });

  it('keeps a position that is visible, on any display', () => {
    const onRight = { x: 2000, y: 100, width: 1200, height: 800, maximized: false };
    expect(clampWindowState(onRight, [laptop, rightMonitor])).toEqual(onRight);
  });

  it('pulls a window hanging off the edge fully onto its display', () => {
    expect(clampWindowState({ x: 1000, y: 500, width: 1000, height: 700, maximized: false }, [laptop])).toEqual({
      x: 440,
      y: 170,
      width: 1000,
      height: 700,
      maximized: false,
    });
  });

  it('a window on a display that is gone comes back centred on the primary', () => {
    const gone = { x: 2000, y: 100, width: 1200, height: 800, maximized: true };
    expect(clampWindowState(gone, [laptop])).toEqual({ x: 120, y: 35, width: 1200, height: 800, maximized: true });
  });

  it('a title bar above the top of every display does not count as visible', () => {
    expect(clampWindowState({ x: 100, y: -900, width: 1000, height: 700, maximized: false }, [laptop])).toMatchObject({
      x: 220,
      y: 85,
    });
  });

  it('shrinks a window bigger than its display', () => {
    expect(clampWindowState({ x: 0, y: 0, width: 3000, height: 2000, maximized: false }, [laptop])).toEqual({
      x: 0,
      y: 0,
      width: 1440,
      height: 870,
      maximized: false,
    });
  });
});
