import { defineConfig } from 'vitest/config';

/**
 * The UI suite: store logic (plain functions) and the browser flows (playwright-core driving Debian's chromium
 * against the headless server). Run with `npx vitest run --config test/ui/vitest.config.mts`.
 */
export default defineConfig({
  test: {
    include: ['test/ui/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: ['default'],
  },
});
