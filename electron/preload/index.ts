import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_KEY } from '../../shared/ipc/bridge.ts';
import { createBridge } from './create-bridge.ts';

// Sandboxed preload: the page gets named functions only, never ipcRenderer itself.
contextBridge.exposeInMainWorld(BRIDGE_KEY, createBridge(ipcRenderer));
