import { Code, type CodeProps } from '@mantine/core';
import { forwardRef, type UIEventHandler } from 'react';

/**
 * A block of code that may scroll inside its own box (long lines of a runbook file, the
 * 2,000 lines of a step's output). A box that scrolls must be reachable by the Tab key, or a
 * keyboard user can read only what fits (axe: scrollable-region-focusable, WCAG 2.1.1); the
 * region's name says what the box holds when the focus lands on it.
 */
export const ScrollableCode = forwardRef<HTMLPreElement, CodeProps & { label: string; onScroll?: UIEventHandler<HTMLPreElement>; 'data-testid'?: string }>(
  function ScrollableCode({ label, ...props }, ref) {
    return <Code block {...props} ref={ref} tabIndex={0} role="region" aria-label={label} />;
  },
);
