import { createContext, useContext, type ReactNode } from 'react';
import type { ApiClient } from '../../../shared/api/client.ts';
import type { Platform } from './types.ts';

const PlatformContext = createContext<Platform | null>(null);

export function PlatformProvider({ platform, children }: { platform: Platform; children: ReactNode }) {
  return <PlatformContext value={platform}>{children}</PlatformContext>;
}

export function usePlatform(): Platform {
  const platform = useContext(PlatformContext);
  if (!platform) throw new Error('usePlatform needs a <PlatformProvider>');
  return platform;
}

export function useApi(): ApiClient {
  return usePlatform().api;
}
