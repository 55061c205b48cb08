// Saves exported content as a file: Blob + <a download>. In a browser this downloads; in
// Electron the main process turns the download into a save dialog.
import type { ExportedReport } from '../../shared/api';

export function saveExport(exported: ExportedReport, doc: Document = document): void {
  const type = exported.mime || 'application/octet-stream';
  let href: string;
  let revoke: (() => void) | null = null;
  if (typeof URL !== 'undefined' && typeof URL.createObjectURL === 'function' && typeof Blob !== 'undefined') {
    href = URL.createObjectURL(new Blob([exported.content], { type }));
    revoke = () => URL.revokeObjectURL(href);
  } else {
    href = `data:${type};charset=utf-8,${encodeURIComponent(exported.content)}`;
  }
  try {
    clickDownload(href, exported.fileName || 'drop-report', doc);
  } finally {
    if (revoke) setTimeout(revoke, 10_000);
  }
}

/** Follows `href` as a download through a hidden <a download> (a save dialog in Electron). */
export function clickDownload(href: string, fileName: string, doc: Document = document): void {
  const a = doc.createElement('a');
  a.href = href;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  doc.body.appendChild(a);
  try {
    a.click();
  } finally {
    a.remove();
  }
}
