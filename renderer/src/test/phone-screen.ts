import { afterEach } from 'vitest';
import { COMPACT_QUERY, PHONE_QUERY } from '../components/responsive/use-compact.ts';

const wideScreen = window.matchMedia;

/** Makes the console's compact and phone media queries match, for the rest of the test. */
export function onAPhone(): void {
  window.matchMedia = (query: string) => ({ ...wideScreen(query), matches: query === COMPACT_QUERY || query === PHONE_QUERY });
}

// Registered in every test file that imports this: the next test is on a wide screen again.
afterEach(() => {
  window.matchMedia = wideScreen;
});
