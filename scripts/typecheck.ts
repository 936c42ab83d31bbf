// `npm run typecheck`: checks every TypeScript project of tsconfig.json's solution in turn.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const solution = JSON.parse(readFileSync('tsconfig.json', 'utf8').replace(/^\s*\/\/.*$/gm, '')) as { references: { path: string }[] };
let failed = false;
for (const { path } of solution.references) {
  const project = path.endsWith('.json') ? path : `${path}/tsconfig.json`;
  try {
    execFileSync('node_modules/.bin/tsc', ['-p', project], { stdio: 'inherit' });
    console.log(`typecheck ok: ${project}`);
  } catch {
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
