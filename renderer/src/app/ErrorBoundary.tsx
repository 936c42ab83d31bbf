import { Component, type ErrorInfo, type ReactNode } from 'react';
import { ErrorPanel } from '../components/ErrorPanel.tsx';
import { retryFailedViews } from '../lib/lazy-view.tsx';

interface State {
  error: unknown;
}

/** A view that throws while rendering shows the error in place; the rest of the console keeps working. */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error('view crashed', error, info.componentStack);
  }

  /** Renders the view again; a view whose code failed to load fetches it again. */
  private readonly retry = () => {
    retryFailedViews();
    this.setState({ error: null });
  };

  override render() {
    if (this.state.error) return <ErrorPanel error={this.state.error} title="This view failed" onRetry={this.retry} />;
    return this.props.children;
  }
}
