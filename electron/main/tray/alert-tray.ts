import { Menu, Tray, app, nativeImage } from 'electron';

export interface AlertTrayOptions {
  iconPath: string;
  showWindow: () => void;
  showAlerts: () => void;
  quit: () => void;
}

export function trayLabel(count: number): string {
  if (count === 0) return 'SmartCloudOps: no firing alerts';
  return `SmartCloudOps: ${count} firing alert${count === 1 ? '' : 's'}`;
}

/** The tray icon with the number of firing alerts (title on macOS, tooltip and badge elsewhere). */
export class AlertTray {
  private readonly tray: Tray;
  private readonly options: AlertTrayOptions;

  constructor(options: AlertTrayOptions) {
    this.options = options;
    // tray.png is 16 px with a tray@2x.png beside it, which Electron picks on HiDPI screens.
    this.tray = new Tray(nativeImage.createFromPath(options.iconPath));
    this.tray.on('click', options.showWindow);
    this.setCount(0);
  }

  setCount(count: number): void {
    this.tray.setToolTip(trayLabel(count));
    if (process.platform === 'darwin') this.tray.setTitle(count > 0 ? String(count) : '');
    app.setBadgeCount(count);
    this.tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Open SmartCloudOps', click: this.options.showWindow },
        { label: count > 0 ? `Firing alerts (${count})` : 'No firing alerts', click: this.options.showAlerts },
        { type: 'separator' },
        { label: 'Quit', click: this.options.quit },
      ]),
    );
  }

  destroy(): void {
    this.tray.destroy();
  }
}
