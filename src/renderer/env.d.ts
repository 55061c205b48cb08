// Globals the renderer may find at run time.
import type { DropInspectorApi } from '../shared/api';

declare global {
  interface Window {
    /**
     * Exposed by the Electron preload (contextBridge). Absent in the browser host.
     * getPathForFile is optional: Electron ≥ 32 has no File.path, the preload may pass
     * webUtils.getPathForFile through so a dropped folder's path can be read.
     */
    dropInspector?: DropInspectorApi & { getPathForFile?(file: File): string };
    /** Draw durations (ms) of the timeline canvas, newest last; for benchmarks. */
    __timelineFrameTimes?: number[];
  }
}

export {};
