import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the bundles and resources are, relative to out/main/index.js or inside the package. */
export function appPaths(options: { packaged: boolean; resourcesPath: string; userData: string }) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const resources = options.packaged ? path.join(options.resourcesPath, 'resources') : path.resolve(here, '../../resources');
  return {
    preload: path.join(here, '../preload/index.cjs'),
    scoringWorker: path.join(here, 'scoring-worker.js'),
    cacheFolder: path.join(options.userData, 'cache'),
    renderer: path.join(here, '../renderer'),
    icon: path.join(resources, 'icon.png'),
    trayIcon: path.join(resources, 'tray.png'),
    connections: path.join(options.userData, 'connections.json'),
    secretsVault: path.join(options.userData, 'secrets.vault.json'),
    windowState: path.join(options.userData, 'window-state.json'),
    updateSettings: path.join(options.userData, 'update-settings.json'),
  };
}
