#!/usr/bin/env node
/**
 * Draws the tray icons once into resources/tray/ (the PNGs are committed; run again only to change them):
 *   <comfy>-bot-<on|off>.png (+ @2x)          Windows and Linux: the app icon with a status dot
 *                                             (ComfyUI offline red, idle green, busy amber) and a white bot badge
 *   <comfy>-bot-<on|off>Template.png (+ @2x)  macOS menu bar templates (black + alpha, tinted by the system):
 *                                             offline a hollow ring, busy a filled dot, idle none; bot on a small dot
 * Names match TrayIconName in electron/main/tray-state.ts.
 */
import { Buffer } from 'node:buffer';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'resources', 'tray');
const APP_ICON = readFileSync(join(ROOT, 'resources', 'icon.svg'), 'utf8');
const STATES = ['offline', 'idle', 'busy'];
const COLORS = { offline: '#f23f43', idle: '#23a55a', busy: '#f0b232' };

/** Colour icon: the app icon, status dot bottom right, bot badge top right (all in a 32-unit box). */
function colourSvg(state, bot) {
  const inner = APP_ICON.replace(/^[\s\S]*?<svg[^>]*>/, '').replace(/<\/svg>\s*$/, '');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 32 32">
  <g transform="scale(0.0625)">${inner}</g>
  <circle cx="24.5" cy="24.5" r="6.5" fill="${COLORS[state]}" stroke="#1e1f22" stroke-width="2"/>
  ${bot ? '<circle cx="26" cy="6" r="5" fill="#ffffff" stroke="#1e1f22" stroke-width="2"/><circle cx="26" cy="6" r="2" fill="#5865f2"/>' : ''}
</svg>`;
}

/** Template: a monitor glyph (16-unit box), black on transparent. */
function templateSvg(state, bot) {
  const badge =
    state === 'offline'
      ? '<circle cx="12.5" cy="12.5" r="2.6" fill="none" stroke="#000" stroke-width="1.4"/>'
      : state === 'busy'
        ? '<circle cx="12.5" cy="12.5" r="3.2" fill="#000"/>'
        : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16">
  <rect x="1.5" y="2.5" width="11" height="8" rx="1.5" fill="none" stroke="#000" stroke-width="1.4"/>
  <rect x="5" y="12" width="4" height="1.6" rx="0.5" fill="#000"/>
  <path d="M3.5 9 L6 6.5 L7.5 8 L9 6.8 L11 9 Z" fill="#000"/>
  ${bot ? '<circle cx="13.5" cy="2.5" r="2" fill="#000"/>' : ''}
  ${badge}
</svg>`;
}

async function write(svg, size, file) {
  await sharp(Buffer.from(svg), { density: 72 * (size / 16) * 4 })
    .resize(size, size)
    .png()
    .toFile(join(OUT, file));
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  for (const state of STATES) {
    for (const bot of [false, true]) {
      const name = `${state}-bot-${bot ? 'on' : 'off'}`;
      await write(colourSvg(state, bot), 16, `${name}.png`);
      await write(colourSvg(state, bot), 32, `${name}@2x.png`);
      await write(templateSvg(state, bot), 16, `${name}Template.png`);
      await write(templateSvg(state, bot), 32, `${name}Template@2x.png`);
    }
  }
  console.log(`tray icons written to ${OUT}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
