import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { folderBytes, importGraph, runtimeClosure, SERVER_ENTRIES, serverManifest } from './release/server-dependencies.ts';

// Docker cannot run here: the image's contents are checked through what decides them,
// the server's import graph and the manifest generated from it at image build.
const root = process.cwd();
const FORBIDDEN = [
  'electron', 'electron-builder', 'electron-updater', 'electron-vite', 'keytar', 'react', 'react-dom', 'vite', '@vitejs/plugin-react',
  'typescript', 'tsx', 'vitest', 'eslint', 'playwright-core', '@playwright/test', 'jsdom', 'esbuild', 'rolldown', 'postcss', 'app-builder-lib',
];
// @types/node alone is allowed: protobufjs (under the OpenTelemetry SDK's exporters) lists it as a dependency; it is declarations only.
const isForbidden = (name: string) => FORBIDDEN.includes(name) || (/^@(mantine|tabler|tanstack|visx|react-spring|testing-library|types)\//.test(name) && name !== '@types/node');

describe('the server image', () => {
  const graph = importGraph(root, SERVER_ENTRIES);
  const manifest = serverManifest(root);
  const direct = Object.keys(manifest.dependencies ?? {});

  it('follows the import graph through shared/ and into the anomaly worker', () => {
    expect(graph.files).toContain('server/src/app.ts');
    expect(graph.files).toContain('server/src/anomaly/worker.ts');
    expect(graph.files).toContain('server/src/metrics/range-worker.ts');
    expect(graph.files.some((file) => file.startsWith('shared/'))).toBe(true);
    expect(graph.files.some((file) => file.startsWith('renderer/') || file.startsWith('electron/'))).toBe(false);
    expect(direct).toEqual(expect.arrayContaining(['fastify', 'better-sqlite3', 'pino', 'prom-client', 'argon2']));
  });

  it('installs no desktop, renderer or build package, directly or transitively', () => {
    expect(direct.filter(isForbidden)).toEqual([]);
    const closure = [...runtimeClosure(root, direct).keys()].map((key) => key.slice(0, key.indexOf('@', 1)));
    expect(closure.filter(isForbidden)).toEqual([]);
    // The check is live: the desktop's own dependencies do pull these in.
    expect([...runtimeClosure(root, ['electron-updater', 'keytar']).keys()].some((key) => key.startsWith('electron-updater@'))).toBe(true);
  });

  it('takes every version from package.json and keeps no dev dependencies or desktop scripts', () => {
    const full = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string; dependencies: Record<string, string> };
    for (const name of direct) expect(manifest.dependencies![name]).toBe(full.dependencies[name]);
    expect(manifest.devDependencies).toBeUndefined();
    expect(manifest.version).toBe(full.version);
    expect(manifest.scripts).toEqual({ server: 'node out/server/main.js' });
  });

  it('weighs what docs/deploy.md says (within 25%)', () => {
    const bytes = [...runtimeClosure(root, direct).values()].reduce((sum, dir) => sum + folderBytes(dir), 0);
    const documented = /server's node_modules: about (\d+) MiB/.exec(fs.readFileSync('docs/deploy.md', 'utf8'));
    expect(documented, 'docs/deploy.md states the node_modules size').not.toBeNull();
    const mib = bytes / 1_048_576;
    expect(Math.abs(mib - Number(documented![1])) / mib).toBeLessThan(0.25);
  });

  it('is built from that manifest, runs as a non-root user and needs no build tools', () => {
    const dockerfile = fs.readFileSync('Dockerfile', 'utf8');
    const stages = dockerfile.split(/^FROM /m).slice(1);
    const runtime = stages.at(-1)!;
    expect(dockerfile).toContain('node scripts/release/server-manifest.ts --write package.json');
    expect(dockerfile).toMatch(/npm install --omit=dev/);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toContain('COPY --from=server-deps /app/node_modules ./node_modules');
    expect(runtime).not.toMatch(/COPY --from=build \/app\/node_modules/);
    // The built server only: no TypeScript sources for Node to strip at load.
    expect(runtime).not.toMatch(/^COPY (shared|server) /m);
    expect(dockerfile).not.toMatch(/g\+\+|libsecret-1-dev|python3|build-essential/);
  });

  it('runs with a read-only root file system in the compose file', () => {
    const compose = parse(fs.readFileSync(path.join('deploy', 'compose.yml'), 'utf8')) as { services: Record<string, Record<string, unknown>> };
    const server = compose.services.server!;
    expect(server.read_only).toBe(true);
    expect(server.tmpfs).toEqual([expect.stringMatching(/^\/tmp/)]);
    expect(server.volumes).toContain('server-data:/data');
    expect(server.cap_drop).toEqual(['ALL']);
  });
});
