import { useEffect, useRef, type ReactNode } from 'react';

/** A modal panel: Escape or the close button (or a click outside) closes it; focus moves in and back. */
export function Dialog(props: {
  title: string;
  testId: string;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
}) {
  const { onClose } = props;
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    closeRef.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        onClose();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      before?.focus?.();
    };
  }, [onClose]);
  const titleId = `${props.testId}-title`;
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <section
        className={`dialog${props.wide ? ' dialog-wide' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid={props.testId}
      >
        <header className="dialog-head">
          <h2 id={titleId}>{props.title}</h2>
          <button
            type="button"
            ref={closeRef}
            className="btn btn-quiet"
            aria-label="Close"
            data-testid={`${props.testId}-close`}
            onClick={onClose}
          >
            ✕
          </button>
        </header>
        <div className="dialog-body">{props.children}</div>
      </section>
    </div>
  );
}
