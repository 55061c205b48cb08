// Small inline SVG icons: shape and word, never colour alone.
import type { Severity } from '../../shared/report';

type IconKind = Severity | 'ok' | 'unknown';

export function StatusIcon({ kind, size = 14 }: { kind: IconKind; size?: number }) {
  const common = {
    width: size,
    height: size,
    viewBox: '0 0 16 16',
    'aria-hidden': true as const,
    focusable: false as const,
    className: `icon icon-${kind}`,
  };
  switch (kind) {
    case 'error':
      return (
        <svg {...common}>
          <path d="M5 1h6l4 4v6l-4 4H5l-4-4V5z" fill="currentColor" />
          <path
            d="M5.5 5.5l5 5M10.5 5.5l-5 5"
            stroke="var(--icon-contrast)"
            strokeWidth="1.8"
            strokeLinecap="round"
          />
        </svg>
      );
    case 'warning':
      return (
        <svg {...common}>
          <path d="M8 1.2L15.2 14.5H.8z" fill="currentColor" />
          <path d="M8 5.8v4.2" stroke="var(--icon-contrast)" strokeWidth="1.8" strokeLinecap="round" />
          <circle cx="8" cy="12.3" r="1" fill="var(--icon-contrast)" />
        </svg>
      );
    case 'info':
      return (
        <svg {...common}>
          <circle cx="8" cy="8" r="7" fill="currentColor" />
          <path d="M8 7.2v4.6" stroke="var(--icon-contrast)" strokeWidth="1.8" strokeLinecap="round" />
          <circle cx="8" cy="4.6" r="1" fill="var(--icon-contrast)" />
        </svg>
      );
    case 'ok':
      return (
        <svg {...common}>
          <circle cx="8" cy="8" r="7" fill="currentColor" />
          <path
            d="M4.6 8.3l2.3 2.3 4.5-4.8"
            stroke="var(--icon-contrast)"
            strokeWidth="1.8"
            fill="none"
            strokeLinecap="round"
            strokeLinejoin="round"
          />
        </svg>
      );
    default:
      return (
        <svg {...common}>
          <circle cx="8" cy="8" r="6.2" fill="none" stroke="currentColor" strokeWidth="1.6" />
          <path d="M5 8h6" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
        </svg>
      );
  }
}

const SEV_WORD: Record<Severity, string> = { error: 'Error', warning: 'Warning', info: 'Info' };

/** Severity as icon + word. */
export function SeverityLabel({ severity, compact }: { severity: Severity; compact?: boolean }) {
  return (
    <span className={`sev sev-${severity}`}>
      <StatusIcon kind={severity} />
      {compact ? <span className="sr-only">{SEV_WORD[severity]}</span> : <span>{SEV_WORD[severity]}</span>}
    </span>
  );
}

const GOOD = new Set(['ok']);
const NEUTRAL = new Set(['encrypted', 'unknown']);

/** A state word (checksum, metadata, archive) with an icon telling good from bad. */
export function StateLabel({ state, severityIfBad = 'error' }: { state: string; severityIfBad?: Severity }) {
  const kind: IconKind = GOOD.has(state) ? 'ok' : NEUTRAL.has(state) ? 'info' : severityIfBad;
  return (
    <span className={`state state-${kind}`}>
      <StatusIcon kind={kind} size={12} />
      <span>{state}</span>
    </span>
  );
}
