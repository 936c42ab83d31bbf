// Flat config. Besides the usual rules, this file enforces the process boundaries of
// docs/architecture.md: what each folder may import. scripts/check-boundaries.test.ts proves
// that a violation fails the lint run. Cycles between server feature folders are refused by
// scripts/check-feature-cycles.ts, the other half of `npm run lint`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'crypto', 'http', 'https', 'net', 'worker_threads', 'stream', 'url', 'util', 'events', 'zlib'];

const rendererForbidden = [...nodeBuiltins, 'electron', 'electron/*', '**/electron/**', '**/server/**', 'better-sqlite3', 'keytar', 'fastify'];

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
    rules: restrict('shared/ is isomorphic: no Node, DOM, Electron, React or process-specific code (docs/architecture.md).', [
      ...nodeBuiltins, 'electron', 'electron/*', 'react', 'react-dom', '@mantine/*', '**/server/**', '**/renderer/**', '**/electron/**', 'better-sqlite3', 'keytar', 'fastify', 'axios',
    ]),
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict('renderer/ never imports Node or Electron; it talks to main only through the typed bridge (docs/architecture.md).', rendererForbidden),
  },
  {
    // Layers point one way: app/ (the shell, routes, palette) composes features/ and
    // components/, which build on lib/; nothing below app/ reaches back up into it.
    files: ['renderer/src/{features,components,lib,live,platform,session,keyboard}/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: rendererForbidden, message: 'renderer/ never imports Node or Electron; it talks to main only through the typed bridge (docs/architecture.md).' },
        { group: ['**/app/*', '../app', '../../app'], message: 'Only renderer/src/app/ may import app/: move what you need to renderer/src/lib/ (docs/architecture.md).' },
      ] }],
    },
  },
  {
    files: ['electron/**/*.ts'],
    rules: restrict('electron/ never imports React or the renderer, nor the server (docs/architecture.md).', [
      'react', 'react-dom', '@mantine/*', '**/renderer/**', '**/server/**',
    ]),
  },
  {
    // Tests of main's HTTP client run against a real server started by the server's test helper.
    files: ['electron/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['react', 'react-dom', '@mantine/*', '**/renderer/**'], message: 'electron/ never imports React or the renderer (docs/architecture.md).' },
        { regex: '(^|/)server/(?!src/testing/)', message: 'electron/ tests may use the server only through server/src/testing/ (docs/architecture.md).' },
      ] }],
    },
  },
  {
    files: ['server/**/*.ts'],
    rules: restrict('server/ imports no Electron and nothing from renderer/ (docs/architecture.md).', [
      'electron', 'electron/*', '**/renderer/**', '**/electron/**', 'keytar', 'react', 'react-dom',
    ]),
  },
);
