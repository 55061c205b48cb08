// Judgement settings from the app (the CLI's --cadence, --grace, --as-of): remembered per
// drop; the verdict and the late/stale problems change as soon as they are saved.
import { useState, type FormEvent, type ReactNode } from 'react';
import type { JudgementSettings } from '../../shared/api';
import { durationText, parseDurationText } from '../../shared/durations';
import { CADENCE_SOURCE_WORDS } from '../../shared/report';
import { asOfSecondsOf } from '../../shared/times';
import { useApp } from '../state/context';
import { formatUtc } from '../format';
import { Dialog } from './Dialog';

/** "2026-11-24 22:00", "2026-11-24T22:00:00Z", …: read as UTC unless a zone is given. */
export function parseAsOfText(text: string): string | null {
  const seconds = asOfSecondsOf(text);
  return seconds === null ? null : new Date(seconds * 1000).toISOString();
}

export function JudgementButton() {
  const setOverlay = useApp((s) => s.setOverlay);
  const judgement = useApp((s) => s.judgement);
  const custom =
    judgement &&
    (judgement.cadenceSeconds !== null || judgement.graceSeconds !== null || judgement.asOf !== null);
  return (
    <button
      type="button"
      className="btn"
      data-testid="settings-button"
      title="Cadence, grace and the time the drop is judged at"
      onClick={() => setOverlay('settings')}
    >
      Judgement{custom ? ' •' : ''}
    </button>
  );
}

export function JudgementPanel() {
  const setOverlay = useApp((s) => s.setOverlay);
  const judgement = useApp((s) => s.judgement);
  const options = useApp((s) => s.report?.options ?? null);
  const save = useApp((s) => s.saveJudgement);
  const [cadence, setCadence] = useState(
    judgement?.cadenceSeconds ? durationText(judgement.cadenceSeconds) : '',
  );
  const [grace, setGrace] = useState(
    judgement?.graceSeconds !== null && judgement?.graceSeconds !== undefined
      ? durationText(judgement.graceSeconds)
      : '',
  );
  const [asOf, setAsOf] = useState(judgement?.asOf ? formatUtc(Date.parse(judgement.asOf) / 1000) : '');
  const [problem, setProblem] = useState<string | null>(null);
  const close = () => setOverlay(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const next: JudgementSettings = { cadenceSeconds: null, graceSeconds: null, asOf: null };
    if (cadence.trim()) {
      next.cadenceSeconds = parseDurationText(cadence);
      if (next.cadenceSeconds === null)
        return setProblem(`Cannot read the cadence "${cadence}": use e.g. 8h, 30m, 1d or 3/day.`);
    }
    if (grace.trim()) {
      next.graceSeconds = /^\s*0+\s*[a-z]*\s*$/i.test(grace) ? 0 : parseDurationText(grace);
      if (next.graceSeconds === null)
        return setProblem(`Cannot read the grace "${grace}": use e.g. 4h or 0.`);
    }
    if (asOf.trim()) {
      next.asOf = parseAsOfText(asOf);
      if (next.asOf === null)
        return setProblem(`Cannot read the time "${asOf}": use e.g. 2026-11-24 22:00 (UTC).`);
    }
    setProblem(null);
    if (await save(next)) close();
  }

  function reset() {
    setCadence('');
    setGrace('');
    setAsOf('');
  }

  // The defaults are what is in force when nothing is set: the family's schedule (or one
  // inferred from the chunks), so the placeholders say what they are for this drop.
  const source = options?.cadenceSource;
  const sourceWords = CADENCE_SOURCE_WORDS[source === 'family' || source === 'inferred' ? source : 'default'];
  const cadenceHint =
    options && judgement?.cadenceSeconds == null && source !== 'given'
      ? `${durationText(options.cadenceSeconds)} (${sourceWords})`
      : 'the default for this kind of drop';
  const graceHint =
    options && judgement?.cadenceSeconds == null && judgement?.graceSeconds == null && source !== 'given'
      ? `${durationText(options.graceSeconds || 0)} (${source === 'family' ? sourceWords : 'half the cadence'})`
      : 'half the cadence (the default)';
  const now = options
    ? `Now judged with a cadence of ${durationText(options.cadenceSeconds)}, grace ${durationText(options.graceSeconds || 0)}, as of ${formatUtc(options.asOf ? Date.parse(options.asOf) / 1000 : null)} UTC.`
    : null;
  return (
    <Dialog title="Judgement" testId="settings-panel" onClose={close}>
      <form className="settings-form" onSubmit={(e) => void submit(e)}>
        <p className="muted">
          How this drop is judged: when a chunk counts as late and the drop as stale. Remembered for this
          drop; the same as the command line&rsquo;s --cadence, --grace and --as-of.
        </p>
        <TextField id="set-cadence" testId="settings-cadence" placeholder={cadenceHint} value={cadence} onChange={setCadence}>
          Cadence: expected time between exports
        </TextField>
        <TextField id="set-grace" testId="settings-grace" placeholder={graceHint} value={grace} onChange={setGrace}>
          Grace: extra silence tolerated
        </TextField>
        <TextField
          id="set-asof"
          testId="settings-asof"
          placeholder="now (the default), or e.g. 2026-11-24 22:00"
          value={asOf}
          onChange={setAsOf}
        >
          As of (UTC): the time &ldquo;stale&rdquo; is judged at
        </TextField>
        {problem ? (
          <p className="note note-error" role="alert" data-testid="settings-problem">
            {problem}
          </p>
        ) : null}
        {now ? (
          <p className="muted small" data-testid="settings-now">
            {now}
          </p>
        ) : null}
        <div className="settings-actions">
          <button type="button" className="btn btn-quiet" onClick={reset} data-testid="settings-reset">
            Defaults
          </button>
          <button type="submit" className="btn btn-primary" data-testid="settings-save">
            Apply
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** A labelled text input of the panel. */
function TextField(props: {
  id: string;
  testId: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
  children: ReactNode;
}) {
  return (
    <>
      <label className="field-label" htmlFor={props.id}>
        {props.children}
      </label>
      <input
        id={props.id}
        className="text-input"
        data-testid={props.testId}
        placeholder={props.placeholder}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </>
  );
}
