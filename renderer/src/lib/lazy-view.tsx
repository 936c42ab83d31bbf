import { createElement, lazy, type ComponentProps, type ComponentType, type ReactNode } from 'react';

/**
 * Error messages of a failed dynamic import: Chromium, Firefox, Safari. Vite's own
 * preload helper says "Unable to preload CSS" for a view's stylesheet.
 */
const CHUNK_LOAD_FAILURE = /Failed to fetch dynamically imported module|error loading dynamically imported module|Importing a module script failed|Unable to preload CSS/i;

/** Whether `error` is a view's code that could not be fetched (a network failure, not a bug). */
export function isChunkLoadError(error: unknown): boolean {
  return error instanceof Error && CHUNK_LOAD_FAILURE.test(error.message);
}

/** Bumped by a Retry: views whose import failed before it import again on their next render. */
let retryGeneration = 0;

/** Called by the error boundary's Retry, before it renders its view again. */
export function retryFailedViews(): void {
  retryGeneration += 1;
}

/**
 * `React.lazy` that can be retried. React keeps a lazy component's failed import for good,
 * so after one failed fetch (server restarting, network gone) the view stayed broken until
 * the whole page was reloaded, whatever Retry did. Here, after a failure, the first render
 * following a Retry (`retryFailedViews`) swaps in a fresh lazy component that imports again.
 * Not on any render: React renders a failed tree once more before showing the error
 * boundary, and a fresh import there kept the view loading for ever.
 */
// `any` as in React.lazy's own signature: the view's props are whatever its module exports.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function lazyView<T extends ComponentType<any>>(load: () => Promise<{ default: T }>): (props: ComponentProps<T> & object) => ReactNode {
  let failedIn: number | null = null;
  const attempt = (): Promise<{ default: T }> => load().catch((error: unknown) => {
    failedIn = retryGeneration;
    throw error;
  });
  let current = lazy(attempt);
  function LazyView(props: ComponentProps<T> & object) {
    if (failedIn !== null && retryGeneration > failedIn) {
      failedIn = null;
      current = lazy(attempt);
    }
    return createElement(current, props);
  }
  return LazyView;
}
