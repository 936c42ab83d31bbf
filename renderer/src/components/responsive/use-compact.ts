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

/**
 * Below 48em (768 px), the `sm` breakpoint where the navigation folds behind its burger: a
 * phone's screen, whose header takes what would otherwise float over the content.
 */
export const PHONE_QUERY = `(max-width: ${em(767.98)})`;

export function usePhoneLayout(): boolean {
  return useMediaQuery(PHONE_QUERY, typeof window === 'undefined' ? false : window.matchMedia(PHONE_QUERY).matches, { getInitialValueInEffect: false });
}

/**
 * The width of a filter or picker: its own on a wide screen, the screen's on a phone (a
 * 300 px box at 390 px left a strip beside it, and a row of them ragged edges).
 */
export function usePickerWidth(): (wide: number) => number | '100%' {
  const phone = usePhoneLayout();
  return (wide) => (phone ? '100%' : wide);
}
