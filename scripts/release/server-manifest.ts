import fs from 'node:fs';
import path from 'node:path';
import { folderBytes, runtimeClosure, serverManifest } from './server-dependencies.ts';

// `node scripts/release/server-manifest.ts [--write <file>] [--size]`
// Prints (or writes) the server image's package.json; --size adds what its node_modules
// weigh here, the figure docs/deploy.md quotes.
const root = process.cwd();
const args = process.argv.slice(2);
const manifest = serverManifest(root);
const text = `${JSON.stringify(manifest, null, 2)}\n`;
const target = args.includes('--write') ? args[args.indexOf('--write') + 1] : undefined;
if (target) fs.writeFileSync(path.resolve(root, target), text);
else if (!args.includes('--size')) process.stdout.write(text);
if (args.includes('--size')) {
  const closure = runtimeClosure(root, Object.keys(manifest.dependencies ?? {}));
  const bytes = [...closure.values()].reduce((sum, dir) => sum + folderBytes(dir), 0);
  console.log(JSON.stringify({ directDependencies: Object.keys(manifest.dependencies ?? {}).length, packages: closure.size, nodeModulesMiB: Math.round((bytes / 1_048_576) * 10) / 10 }));
}
