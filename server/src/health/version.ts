import fs from 'node:fs';
import { serverFile } from '../server-files.ts';

/**
 * The server's release, read once from package.json (the image ships it; npm's
 * npm_package_version exists only under `npm run`).
 */
export const SERVER_VERSION: string = (JSON.parse(fs.readFileSync(serverFile(import.meta.url, '../../../package.json', '../../package.json'), 'utf8')) as { version: string }).version;
