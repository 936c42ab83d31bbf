import { em } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';

/**
 * Below 62em (992 px) a list has less than ~700 px beside the navigation, too narrow for
 * its table: phones (390 px) and tablets (768 px) get cards instead. Read at first render
 * (no table-then-cards flash on a phone).
 */
export const COMPACT_QUERY = `(max-width: ${em(991.98)})`;

export function useCompactLayout(): boolean {
  return useMediaQuery(COMPACT_QUERY, typeof window === 'undefined' ? false : window.matchMedia(COMPACT_QUERY).matches, { getInitialValueInEffect: false });
}
