// Flat config. Besides the usual rules, this file enforces the process boundaries of
// DESIGN.md §2: what each folder may import. scripts/check-boundaries.test.ts proves that a
// violation fails the lint run.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'crypto', 'http', 'https', 'net', 'worker_threads', 'stream', 'url', 'util', 'events', 'zlib'];

const restrict = (message, groups) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: groups, message }] }],
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'release/**', '.tools/**', 'coverage/**', 'test-results/**', 'renderer/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['shared/**/*.ts'],
    ignores: ['shared/**/*.test.ts'],
    rules: restrict('shared/ is isomorphic: no Node, DOM, Electron, React or process-specific code (DESIGN.md §2).', [
      ...nodeBuiltins, 'electron', 'electron/*', 'react', 'react-dom', '@mantine/*', '**/server/**', '**/renderer/**', '**/electron/**', 'better-sqlite3', 'keytar', 'fastify', 'axios',
    ]),
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict('renderer/ never imports Node or Electron; it talks to main only through the typed bridge (DESIGN.md §2).', [
      ...nodeBuiltins, 'electron', 'electron/*', '**/electron/**', '**/server/**', 'better-sqlite3', 'keytar', 'fastify',
    ]),
  },
  {
    files: ['electron/**/*.ts'],
    rules: restrict('electron/ never imports React or the renderer, nor the server (DESIGN.md §2).', [
      'react', 'react-dom', '@mantine/*', '**/renderer/**', '**/server/**',
    ]),
  },
  {
    // Tests of main's HTTP client run against a real server started by the server's test helper.
    files: ['electron/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['react', 'react-dom', '@mantine/*', '**/renderer/**'], message: 'electron/ never imports React or the renderer (DESIGN.md §2).' },
        { regex: '(^|/)server/(?!src/testing/)', message: 'electron/ tests may use the server only through server/src/testing/ (DESIGN.md §2).' },
      ] }],
    },
  },
  {
    files: ['server/**/*.ts'],
    rules: restrict('server/ imports no Electron and nothing from renderer/ (DESIGN.md §2).', [
      'electron', 'electron/*', '**/renderer/**', '**/electron/**', 'keytar', 'react', 'react-dom',
    ]),
  },
);
