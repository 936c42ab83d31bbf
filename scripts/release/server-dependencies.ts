import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

/**
 * What the server needs at run time, found from its source rather than listed by hand:
 * the import graph from server/src/main.ts (static and literal dynamic imports, plus
 * worker files started as `new URL('./x.ts', import.meta.url)` or `serverFile(import.meta.url,
 * './x.ts', …)`), through shared/, to the
 * npm packages it reaches. The image installs exactly these, so nothing of the desktop
 * app or the renderer build (Electron, React, Vite, TypeScript…) lands in it.
 */
const IMPORT = /(?:^|[^\w.])(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|(?:^|[^\w.])import\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|[^\w.])import\s+['"]([^'"]+)['"]|new URL\(\s*['"](\.[^'"]+\.ts)['"]\s*,\s*import\.meta\.url\s*\)|serverFile\(\s*import\.meta\.url\s*,\s*['"](\.[^'"]+\.ts)['"]/gm;
const BUILTINS = new Set(builtinModules);

function packageOf(specifier: string): string | null {
  if (specifier.startsWith('node:') || BUILTINS.has(specifier.split('/')[0]!)) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

/** Source files reached from the entry points, and the packages they import (type-only imports excluded). */
export function importGraph(root: string, entries: string[]): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = entries.map((entry) => path.resolve(root, entry));
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    // Type-only imports vanish when Node strips the types.
    const text = fs.readFileSync(file, 'utf8').replace(/^\s*import\s+type\s[^;]*;/gm, '').replace(/^\s*export\s+type\s[^;]*from[^;]*;/gm, '');
    for (const match of text.matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2] ?? match[3] ?? match[4] ?? match[5]!;
      if (specifier.startsWith('.')) {
        const target = path.resolve(path.dirname(file), specifier);
        if (target.endsWith('.ts') && fs.existsSync(target)) queue.push(target);
        continue;
      }
      const name = packageOf(specifier);
      if (name) packages.add(name);
    }
  }
  return { files: [...files].map((file) => path.relative(root, file)).sort(), packages: [...packages].sort() };
}

export const SERVER_ENTRIES = ['server/src/main.ts'];

interface Manifest {
  name: string;
  version: string;
  type?: string;
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  allowScripts?: Record<string, boolean>;
  [key: string]: unknown;
}

/** package.json for the server image: the project's own, reduced to the server's dependencies. */
export function serverManifest(root: string): Manifest {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;
  const { packages } = importGraph(root, SERVER_ENTRIES);
  const dependencies: Record<string, string> = {};
  for (const name of packages) {
    const range = manifest.dependencies?.[name];
    if (!range) throw new Error(`the server imports ${name}, which is not a production dependency in package.json`);
    dependencies[name] = range;
  }
  const allowScripts = Object.fromEntries(Object.entries(manifest.allowScripts ?? {}).filter(([name]) => name in dependencies));
  return {
    name: `${manifest.name}-server`,
    version: manifest.version,
    private: true,
    type: manifest.type,
    engines: manifest.engines,
    scripts: { server: 'node out/server/main.js' },
    dependencies,
    allowScripts,
  };
}

/**
 * The installed packages the server's dependencies pull in (dependencies and optional
 * dependencies present on disk), resolved as Node resolves them, with their folder.
 */
export function runtimeClosure(root: string, names: string[]): Map<string, string> {
  const found = new Map<string, string>();
  const resolve = (name: string, from: string): string | null => {
    for (let dir = from; ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, 'node_modules', name);
      if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
      if (dir === root || dir === path.dirname(dir)) return null;
    }
  };
  const visit = (name: string, from: string, optional: boolean) => {
    const dir = resolve(name, from);
    if (!dir) {
      if (optional) return;
      throw new Error(`${name} is not installed (needed from ${path.relative(root, from) || '.'})`);
    }
    if ([...found.values()].includes(dir)) return;
    found.set(`${name}@${path.relative(root, dir)}`, dir);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    for (const dependency of Object.keys(manifest.dependencies ?? {})) visit(dependency, dir, dependency in (manifest.optionalDependencies ?? {}));
    for (const dependency of Object.keys(manifest.optionalDependencies ?? {})) visit(dependency, dir, true);
  };
  for (const name of names) visit(name, root, false);
  return found;
}

/** Bytes on disk of a package folder, without its nested node_modules (counted as packages of their own). */
export function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(full);
    else if (entry.isFile()) total += fs.statSync(full).size;
  }
  return total;
}
