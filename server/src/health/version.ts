import fs from 'node:fs';

/**
 * The server's release, read once from package.json (the image ships it; npm's
 * npm_package_version exists only under `npm run`).
 */
export const SERVER_VERSION: string = (JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
