import { useHotkeys } from '@mantine/hooks';
import { useEffect, useState } from 'react';

export interface ListCursor {
  /** Index of the highlighted row, or -1 before the first j/k. */
  index: number;
  setIndex(index: number): void;
}

/**
 * Keyboard triage: j / k move through a list, Enter opens, and extra keys (a: acknowledge,
 * s: silence, ...) act on the highlighted row. Keys are ignored while typing in a field
 * (Mantine's default), and the row scrolls into view as the cursor moves.
 */
export function useListCursor(count: number, keys: Record<string, (index: number) => void> = {}, rowSelector = '[data-cursor-row]'): ListCursor {
  const [index, setIndex] = useState(-1);
  useEffect(() => {
    if (index >= count) setIndex(count - 1);
  }, [count, index]);
  useEffect(() => {
    if (index < 0) return;
    const row = document.querySelectorAll<HTMLElement>(rowSelector)[index];
    row?.scrollIntoView?.({ block: 'nearest' });
  }, [index, rowSelector]);

  useHotkeys([
    ['j', () => setIndex((i) => Math.min(count - 1, i + 1))],
    ['k', () => setIndex((i) => Math.max(0, i - 1))],
    ...Object.entries(keys).map(([key, run]) => [key, () => index >= 0 && index < count && run(index)] as [string, () => void]),
    // A focused button or link keeps its own keys: Enter must press it (the acknowledge form
    // opened from a notification is one Enter away), not be swallowed by the list.
  ], ['INPUT', 'TEXTAREA', 'SELECT', 'BUTTON', 'A']);
  return { index, setIndex };
}
