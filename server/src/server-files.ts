import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Files the server opens by path at run time rather than imports: worker entry points, SQL
 * migrations, package.json.
 *
 * Tests and development run the TypeScript sources (`node server/src/main.ts`), where each
 * file lies beside the module that names it. `npm start`, the image and the peer benchmarks
 * run the built server (`npm run build:server`, scripts/build-server.ts): one bundle per
 * entry point in out/server/, the workers among them, the migrations copied beside them,
 * so that Node does not load its TypeScript stripper nor keep thousands of module records.
 * In a bundle every module's `import.meta.url` is the bundle's, hence this module.
 */
export const BUILT = import.meta.url.endsWith('.js');

/** out/server/ when built (this module is then inside one of its bundles). */
const BUILT_DIR = path.dirname(fileURLToPath(import.meta.url));

/**
 * Path of a run-time file: `source`, relative to the module `from` (its `import.meta.url`),
 * when running from the sources; `built`, relative to out/server/, in the build.
 */
export function serverFile(from: string, source: string, built: string): string {
  return BUILT ? path.join(BUILT_DIR, built) : fileURLToPath(new URL(source, from));
}
