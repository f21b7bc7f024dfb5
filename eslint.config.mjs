// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** Capabilities of the core that the Discord bot must reach only through the core API (architecture.md). */
const CORE_INTERNALS = ['store', 'jobs', 'comfy', 'workflows', 'library'];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'release/**', 'node_modules/**', 'coverage/**', 'docs/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-empty-object-type': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
      // Type-aware: a promise nobody awaits or handles, a promise where a boolean or void callback is expected,
      // and a switch over a union that forgets a member are bugs here (a lost rejection crashes nothing but loses work).
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: true }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    // Plain JavaScript (scripts, configs) has no type information.
    files: ['**/*.{js,mjs,cjs}'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The core runs under plain Node (tests, headless): it must never import Electron.
    files: ['electron/core/**/*.ts', 'electron/headless.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'electron/core runs under plain Node; Electron belongs in electron/main.' },
          ],
        },
      ],
    },
  },
  {
    // shared/ is the contract: zod only.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(?!zod$)(?!\\.\\.?/).*', message: 'shared/ may import only zod and other shared files.' },
          ],
        },
      ],
    },
  },
  {
    // The renderer talks to the core only through the shared API client.
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/electron/**', 'electron', '@core', '@core/**'],
              message: 'Use the shared/api client, not the core or Electron.',
            },
          ],
        },
      ],
    },
  },
  {
    // The bot is a client of the core API, like the renderer: it may use shared/ types and its own files, and
    // reach the core only through the API it is given (electron/core/api types), never its internals.
    files: ['electron/core/discord/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'electron/core runs under plain Node.' }],
          patterns: [
            {
              group: CORE_INTERNALS.flatMap((c) => [
                `@core/${c}`,
                `@core/${c}/**`,
                `**/${c}/**`,
                `../${c}`,
                `../../${c}`,
              ]),
              message: 'The Discord bot reaches the core only through the core API (types from shared/).',
            },
          ],
        },
      ],
    },
  },
  {
    // api/ serves every client and must not depend on one: the bot's lifecycle comes in through an interface.
    files: ['electron/core/api/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'electron/core runs under plain Node.' }],
          patterns: [
            {
              group: ['@core/discord', '@core/discord/**', '../discord/**'],
              message: 'api/ must not import the Discord bot; use the interface the composition root wires.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}', 'test/**/fixtures/**'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        __dirname: 'readonly',
        require: 'readonly',
        module: 'writable',
      },
    },
  },
  prettier,
);
