import { useMediaQuery } from '@mantine/hooks';

/** A side drawer's width: as asked on a wide screen, the whole screen on a phone, so nothing runs off it. */
export function useDrawerSize(desktop: string): string {
  return useMediaQuery('(max-width: 48em)') ? '100%' : desktop;
}
