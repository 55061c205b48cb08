// How a delimited table is read: the delimiter, quote and header the scan detected, each of
// which the user may fix (the table is then read again). Separate from the table's header
// because it is a small form of its own, with its choices and their labels.
import { describeReadWays, type Dialect } from '../../../shared/family';
import { useTables } from './context';

const DELIMITERS: Array<[string, string]> = [
  [',', 'comma ,'],
  [';', 'semicolon ;'],
  ['|', 'pipe |'],
  ['\t', 'tab'],
];
const QUOTES: Array<[string, string]> = [
  ['"', 'double "'],
  ["'", "single '"],
  ['none', 'none'],
];
const HEADERS: Array<[string, string]> = [
  ['yes', 'first record is the header'],
  ['no', 'no header (column_1 …)'],
];
const showChar = (c: string | null): string => (c === null ? 'none' : c === '\t' ? 'tab' : c);

/**
 * How a delimited table is read: the dialect the scan detected, each part of which the user
 * may fix (a wrong guess on a file without a header, say); the table is then read again with
 * it, through the same typed API as the CLI's --delimiter / --no-header. Other layouts (JSON,
 * Parquet) have no dialect: nothing shown.
 */
export function DialectPicker() {
  const selection = useTables((s) => s.selection);
  const info = useTables((s) => s.info);
  const setDialect = useTables((s) => s.setDialect);
  // The first part's dialect, or (where it is JSON, say) the first delimited chunks'.
  const read = info?.dialect ?? info?.readWays?.find((w) => w.dialect)?.dialect;
  if (!selection || !info || !read) return null;
  const fixed = selection.dialect ?? {};
  const change = (part: Partial<Dialect>): void => {
    const next: Partial<Dialect> = { ...fixed, ...part };
    for (const k of Object.keys(part) as Array<keyof Dialect>) if (part[k] === undefined) delete next[k];
    void setDialect(next);
  };
  const asked = Object.keys(fixed).length > 0;
  // Chunks read in several ways: each select's "detected" is each chunk's own.
  const ways = info.readWays;
  const seen = (c: string | null): string => (ways ? ' (per chunk)' : ` (${showChar(c)})`);
  return (
    <span className="tt-field" data-testid="dialect-picker">
      <DialectSelect
        label="Delimiter"
        testId="dialect-delimiter"
        value={fixed.delimiter ?? 'auto'}
        detected={fixed.delimiter === undefined ? seen(read.delimiter) : ''}
        options={DELIMITERS}
        onChange={(v) => change({ delimiter: v === 'auto' ? undefined : v })}
      />
      <DialectSelect
        label="Quote"
        testId="dialect-quote"
        value={fixed.quote === undefined ? 'auto' : fixed.quote === null ? 'none' : fixed.quote}
        detected={fixed.quote === undefined ? seen(read.quote) : ''}
        options={QUOTES}
        onChange={(v) => change({ quote: v === 'auto' ? undefined : v === 'none' ? null : v })}
      />
      <DialectSelect
        label="Header"
        testId="dialect-header"
        value={fixed.header === undefined ? 'auto' : fixed.header ? 'yes' : 'no'}
        detected={fixed.header === undefined ? (ways ? ' (per chunk)' : read.header ? ' (yes)' : ' (no)') : ''}
        options={HEADERS}
        onChange={(v) => change({ header: v === 'auto' ? undefined : v === 'yes' })}
      />
      <span className="small muted" data-testid="dialect-read">
        {ways ? (
          `read ${describeReadWays(ways)}`
        ) : (
          <>
            read as {showChar(read.delimiter)}-separated, quote {showChar(read.quote)},{' '}
            {read.header ? 'header' : 'no header'}
          </>
        )}
        {asked ? ' (as you chose)' : ' (detected)'}
      </span>
    </span>
  );
}

/** One part of the dialect: "detected" (with what was detected) or one of the choices. */
function DialectSelect(props: {
  label: string;
  testId: string;
  value: string;
  detected: string;
  options: Array<[string, string]>;
  onChange: (value: string) => void;
}) {
  return (
    <label className="tt-field">
      <span className="tt-label">{props.label}</span>
      <select
        className="select"
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        data-testid={props.testId}
      >
        <option value="auto">detected{props.detected}</option>
        {props.options.map(([v, label]) => (
          <option key={label} value={v}>
            {label}
          </option>
        ))}
      </select>
    </label>
  );
}
