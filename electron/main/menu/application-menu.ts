import { Menu, type MenuItemConstructorOptions } from 'electron';

export interface ApplicationMenuActions {
  checkForUpdates: () => void;
  openDocumentation: () => void;
}

/** The standard menus (edit, view, window) plus ours; no developer tools in packaged builds. */
export function installApplicationMenu(actions: ApplicationMenuActions, packaged: boolean): void {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        ...(packaged ? [] : [{ role: 'toggleDevTools' as const }]),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        { label: 'Check for Updates…', click: actions.checkForUpdates },
        { label: 'Documentation', click: actions.openDocumentation },
      ],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
