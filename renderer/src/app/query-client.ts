import { QueryClient } from '@tanstack/react-query';
import { toAppError } from '../platform/to-app-error.ts';

/** Errors a retry cannot fix: asking again only delays showing them. */
const FINAL = new Set(['E_AUTH_REQUIRED', 'E_AUTH_EXPIRED', 'E_TOKEN_INVALID', 'E_FORBIDDEN', 'E_NOT_FOUND', 'E_VALIDATION', 'E_BAD_REQUEST', 'E_PASSWORD_CHANGE_REQUIRED']);

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        retry: (failures, error) => failures < 2 && !FINAL.has(toAppError(error).code),
        refetchOnWindowFocus: true,
      },
      mutations: { retry: false },
    },
  });
}
