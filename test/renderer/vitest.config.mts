import { defineConfig } from 'vitest/config';
import { aliases } from '../../aliases.config.mjs';

/**
 * The UI suite: store logic (plain functions) and the browser flows (playwright-core driving Debian's chromium
 * against the headless server). Run with `npx vitest run --config test/renderer/vitest.config.mts`.
 */
export default defineConfig({
  resolve: { alias: aliases },
  test: {
    include: ['test/renderer/**/*.test.{ts,tsx}'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: ['default'],
  },
});
