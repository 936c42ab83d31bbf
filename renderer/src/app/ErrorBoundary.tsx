import { Component, type ErrorInfo, type ReactNode } from 'react';
import { ErrorPanel } from '../components/ErrorPanel.tsx';

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

  override render() {
    if (this.state.error) return <ErrorPanel error={this.state.error} title="This view failed" onRetry={() => this.setState({ error: null })} />;
    return this.props.children;
  }
}
