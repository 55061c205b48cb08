// Copying cells and rows: the async Clipboard API where the page may use it, else a hidden
// textarea and execCommand('copy') (older Electron, http pages, denied permission).

/** RFC 4180 field: quoted when it holds a comma, a quote, CR or LF. */
export function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Tab-separated field the way spreadsheets copy one: quoted when it holds a tab, a quote, CR or LF. */
export function tsvField(v: string): string {
  return /["\t\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function csvLines(rows: string[][]): string {
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n');
}

export function tsvLines(rows: string[][]): string {
  return rows.map((r) => r.map(tsvField).join('\t')).join('\r\n');
}

function legacyCopy(text: string, doc: Document): boolean {
  const ta = doc.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.style.position = 'fixed';
  ta.style.left = '-9999px';
  ta.style.top = '0';
  ta.style.opacity = '0';
  const active = doc.activeElement as HTMLElement | null;
  doc.body.appendChild(ta);
  let ok: boolean;
  try {
    ta.select();
    ok = typeof doc.execCommand === 'function' && doc.execCommand('copy');
  } catch {
    ok = false;
  } finally {
    ta.remove();
    active?.focus?.();
  }
  return ok;
}

/** Puts text on the clipboard; resolves to whether it worked. Never throws. */
export async function copyText(text: string, doc: Document = document): Promise<boolean> {
  const nav = typeof navigator !== 'undefined' ? navigator : undefined;
  if (nav?.clipboard && typeof nav.clipboard.writeText === 'function') {
    try {
      await nav.clipboard.writeText(text);
      return true;
    } catch {
      /* permission denied or not focused: fall back */
    }
  }
  return legacyCopy(text, doc);
}
