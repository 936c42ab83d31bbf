import { useCallback, useLayoutEffect, useRef } from 'react';

/** How close to the end (px) still counts as reading the end: a rounding of the browser's. */
const SLACK = 8;

/**
 * Keeps a scrolling box showing its newest text as text is appended, like `tail -f`, for
 * as long as the reader is at its end; scrolling up to read earlier lines stops it, and
 * scrolling back to the end resumes it. A box opened on finished text (`live` false) starts
 * at its top, where a reader of a finished step begins. Returns the box's ref and scroll handler.
 */
export function useFollowTail<T extends HTMLElement>(content: string, live: boolean) {
  const box = useRef<T | null>(null);
  const following = useRef(live);

  const onScroll = useCallback(() => {
    const element = box.current;
    if (element) following.current = element.scrollTop + element.clientHeight >= element.scrollHeight - SLACK;
  }, []);

  useLayoutEffect(() => {
    const element = box.current;
    if (element && following.current) element.scrollTop = element.scrollHeight;
  }, [content]);

  return { ref: box, onScroll };
}
