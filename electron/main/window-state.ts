/**
 * The main window's remembered size and position: a small JSON file in userData, parsed with zod (a broken or
 * foreign file means defaults), and clamped so the window always lands on a display that is attached now.
 * Pure apart from reading and writing that one file.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

const WindowStateSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  maximized: z.boolean().default(false),
});
export type WindowState = z.infer<typeof WindowStateSchema>;

export const DEFAULT_WINDOW_SIZE = { width: 1280, height: 820 } as const;
export const MIN_WINDOW_SIZE = { width: 900, height: 600 } as const;

/** At least this much of the title bar must be on a display for a saved position to be kept. */
const MIN_VISIBLE = 64;

export function readWindowState(file: string): WindowState | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = WindowStateSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Written to a temp file and renamed, so a crash mid-write never leaves half a file. */
export function writeWindowState(file: string, state: WindowState): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(WindowStateSchema.parse(state)));
  renameSync(tmp, file);
}

function overlap(a: Rect, b: Rect): Rect {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  return {
    x,
    y,
    width: Math.min(a.x + a.width, b.x + b.width) - x,
    height: Math.min(a.y + a.height, b.y + b.height) - y,
  };
}

/**
 * Where to open the window given the displays' work areas (the first is the primary): the saved size shrunk to
 * fit, the saved position kept only if its title bar is visible on some display, else centred on the primary.
 */
export function clampWindowState(saved: WindowState | null, workAreas: readonly Rect[]): WindowState {
  const primary = workAreas[0] ?? { x: 0, y: 0, ...DEFAULT_WINDOW_SIZE };
  const want = saved ?? { ...DEFAULT_WINDOW_SIZE, maximized: false };
  const titleBar = (x: number, y: number, width: number): Rect => ({
    x,
    y,
    width,
    height: Math.min(MIN_VISIBLE, want.height),
  });

  if (want.x !== undefined && want.y !== undefined) {
    const home = workAreas.find((area) => {
      const seen = overlap(titleBar(want.x!, want.y!, want.width), area);
      return seen.width >= MIN_VISIBLE && seen.height > 0;
    });
    if (home) {
      const width = Math.min(want.width, home.width);
      const height = Math.min(want.height, home.height);
      const x = Math.min(Math.max(want.x, home.x), home.x + home.width - width);
      const y = Math.min(Math.max(want.y, home.y), home.y + home.height - height);
      return { x, y, width, height, maximized: want.maximized };
    }
  }
  const width = Math.min(want.width, primary.width);
  const height = Math.min(want.height, primary.height);
  return {
    x: primary.x + Math.round((primary.width - width) / 2),
    y: primary.y + Math.round((primary.height - height) / 2),
    width,
    height,
    maximized: want.maximized,
  };
}
