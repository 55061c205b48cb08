// What the grid shows for a value, as the tests expect it (written out here, not taken from
// the renderer's cells.tsx, so the tests check it): line breaks and tabs as symbols, long
// values cut at 400 characters.
export function shown(v: string): string {
  const cut = v.length > 400 ? v.slice(0, 400) : v;
  return (
    cut
      .replace(/\r\n|\n/g, '↵')
      .replace(/\r/g, '␍')
      .replace(/\t/g, '⇥') + (cut.length < v.length ? '…' : '')
  );
}
