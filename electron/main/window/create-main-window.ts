import { BrowserWindow, screen } from 'electron';
import { MIN_HEIGHT, MIN_WIDTH, type WindowStateFile } from './window-state.ts';

export interface MainWindowOptions {
  preloadPath: string;
  /** `app://console/index.html`, or the dev server URL in development. */
  entryUrl: string;
  windowState: WindowStateFile;
  iconPath: string;
}

/** The console window: isolated, sandboxed, no Node, bounds remembered across runs. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const workAreas = [screen.getPrimaryDisplay(), ...screen.getAllDisplays()].map((display) => display.workArea);
  const state = options.windowState.load(workAreas, { width: 1440, height: 900 });
  const window = new BrowserWindow({
    x: state.x,
    y: state.y,
    width: state.width,
    height: state.height,
    minWidth: MIN_WIDTH,
    minHeight: MIN_HEIGHT,
    show: false,
    title: 'SmartCloudOps',
    icon: options.iconPath,
    backgroundColor: '#1a1b1e',
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
    },
  });
  if (state.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());

  const save = () => {
    clearTimeout(pending);
    if (window.isDestroyed() || window.isMinimized()) return;
    options.windowState.save({ ...window.getNormalBounds(), maximized: window.isMaximized() });
  };
  // 'resize' and 'move' fire on every platform ('resized'/'moved' only on macOS and
  // Windows) and many times per drag, so the write waits for a pause.
  let pending: ReturnType<typeof setTimeout> | undefined;
  const saveSoon = () => {
    clearTimeout(pending);
    pending = setTimeout(save, 400);
  };
  window.on('resize', saveSoon);
  window.on('move', saveSoon);
  window.on('maximize', save);
  window.on('unmaximize', save);
  window.on('close', save);

  void window.loadURL(options.entryUrl);
  return window;
}
