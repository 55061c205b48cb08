import { ERROR_TITLES } from '../api/errors';
import { useApp } from '../state/context';
import type { UiError } from '../state/app-state';
import { StatusIcon } from './Icons';

export function ErrorMessage({ error, onDismiss }: { error: UiError; onDismiss?: () => void }) {
  return (
    <div className="error-message" role="alert" data-testid="error-message" data-code={error.code}>
      <StatusIcon kind="error" size={18} />
      <div className="error-body">
        <strong className="error-title">{ERROR_TITLES[error.code] ?? 'Error'}</strong>
        {error.context ? <span className="error-context"> — {error.context}</span> : null}
        <p className="error-text">{error.message}</p>
        <code className="error-code">{error.code}</code>
      </div>
      {onDismiss ? (
        <button
          type="button"
          className="btn btn-quiet"
          onClick={onDismiss}
          aria-label="Dismiss the error message"
        >
          Dismiss
        </button>
      ) : null}
    </div>
  );
}

/** The app-wide error of the last action, if any. */
export function ErrorBanner() {
  const error = useApp((s) => s.error);
  const dismiss = useApp((s) => s.dismissError);
  if (!error) return null;
  return <ErrorMessage error={error} onDismiss={dismiss} />;
}
