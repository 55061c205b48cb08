import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  /** Shown in the message: which view failed. */
  name: string;
  children: ReactNode;
  /** Changing it clears a caught error (e.g. the report object). */
  resetKey?: unknown;
}

interface State {
  error: Error | null;
  resetKey: unknown;
}

/** Keeps one broken view from taking the whole window down. */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null, resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: Error): Partial<State> {
    return { error };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    if (props.resetKey !== state.resetKey) return { resetKey: props.resetKey, error: null };
    return null;
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`View "${this.props.name}" failed`, error, info.componentStack);
  }

  override render(): ReactNode {
    if (this.state.error) {
      return (
        <div className="error-message" role="alert" data-testid="view-error">
          <div className="error-body">
            <strong className="error-title">The {this.props.name} view failed</strong>
            <p className="error-text">{this.state.error.message || String(this.state.error)}</p>
          </div>
          <button type="button" className="btn" onClick={() => this.setState({ error: null })}>
            Try again
          </button>
        </div>
      );
    }
    return this.props.children;
  }
}
