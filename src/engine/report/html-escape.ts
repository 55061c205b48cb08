// Text → HTML that shows exactly that text: the one escape every string from the drop goes
// through in the HTML report, its page and its timeline drawing alike. Apart so both
// import it without importing each other.
/** Text → HTML text or attribute value that shows exactly that text. */
export function esc(s: string | number | null | undefined): string {
  if (s === null || s === undefined) return '';
  return (
    String(s)
      // eslint-disable-next-line no-control-regex -- control characters are not allowed in HTML text
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '\uFFFD')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&#39;')
  );
}
