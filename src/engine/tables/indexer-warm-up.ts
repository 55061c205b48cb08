// The record indexer's warm-up at load time (indexer.ts runs it): a few small pushes through
// every path of push(), so V8 optimizes its loop with complete type feedback.
import type { RecordIndexer } from './indexer';

// Warm-up. V8 compiles push()'s loop on-stack (OSR) in the middle of the first big chunk,
// before its rare branches (blank lines, CRLF, quotes, the code after the loop) ever ran;
// that code then lacks type feedback and deoptimizes on every later push() (seen with
// --trace-deopt; the same effect the scan's record counter documents). A few small pushes
// through every path at load time give V8 complete feedback first (< 1 ms).
export function warmUp(Indexer: typeof RecordIndexer): void {
  const sample = new TextEncoder().encode(
    'id,"na""me",x\r\n1,"a,b\r\nc",2\n\n2,3\r3,"q""",4,5\n"x"y,z"w,1\r\n' +
      'abcdefgh,ijklmnop,"qrs""tuvwx",12345678,\n'.repeat(40) +
      '4,"unterminated',
  );
  // Enough work for V8 to allocate the function's feedback vector (it does so lazily) and
  // then record every path in it.
  for (let round = 0; round < 60; round++) {
    const ix = new Indexer(() => undefined);
    const cut = 1 + (round % 7);
    const b = round % 2 ? Buffer.from(sample) : sample;
    ix.push(b.subarray(0, cut));
    ix.push(b.subarray(cut, 40 + round));
    ix.flush();
    ix.push(b.subarray(40 + round));
    ix.finish();
  }
}
