// The renderer's single entry to the engine. In Electron the preload exposes the API as
// window.dropInspector (IPC); in a browser (drop-inspector serve) we talk HTTP on loopback.
import type { DropInspectorApi } from '../../shared/api';
import { createHttpApi, takeToken } from './http-client';

let cached: DropInspectorApi | null = null;

export function getApi(): DropInspectorApi {
  if (cached) return cached;
  const injected = typeof window !== 'undefined' ? window.dropInspector : undefined;
  cached = injected ?? createHttpApi({ token: takeToken() });
  return cached;
}

/** Which transport getApi() chose; shown in the about line. */
export function apiTransport(): 'electron' | 'http' {
  return typeof window !== 'undefined' && window.dropInspector ? 'electron' : 'http';
}

/** Forget the cached API (tests). */
export function resetApiForTests(): void {
  cached = null;
}

/**
 * The file-system path of a dropped File, where the host can tell it: Electron's preload
 * may expose webUtils.getPathForFile; older Electron sets File.path. Null in a browser.
 */
export function pathOfDroppedFile(file: File): string | null {
  try {
    const viaPreload = window.dropInspector?.getPathForFile?.(file);
    if (viaPreload) return viaPreload;
  } catch {
    /* fall through */
  }
  const legacy = (file as File & { path?: unknown }).path;
  return typeof legacy === 'string' && legacy ? legacy : null;
}

/** A path from dropped text: a file:// URI or a plain absolute path. */
export function pathFromDroppedText(text: string): string | null {
  const line = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l && !l.startsWith('#'));
  if (!line) return null;
  if (line.startsWith('file://')) {
    try {
      const u = new URL(line);
      let p = decodeURIComponent(u.pathname);
      if (/^\/[A-Za-z]:\//.test(p)) p = p.slice(1); // file:///C:/x → C:/x
      return u.host ? `//${u.host}${p}` : p;
    } catch {
      return null;
    }
  }
  if (line.startsWith('/') || /^[A-Za-z]:[\\/]/.test(line) || line.startsWith('\\\\') || line.startsWith('~')) return line;
  return null;
}
