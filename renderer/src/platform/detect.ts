import type { Platform } from './types.ts';
import { createDesktopPlatform } from './desktop-platform.ts';
import { createWebPlatform } from './web-platform.ts';

/** The preload bridge exists only in the Electron window; a browser gets the web transport. */
export function detectPlatform(): Platform {
  return window.smartcloudops ? createDesktopPlatform(window.smartcloudops) : createWebPlatform();
}
