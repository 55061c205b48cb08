// The preload (built as CJS: sandboxed preloads cannot be ES modules). Exposes
// window.dropInspector: exactly DropInspectorApi's members, over ipcRenderer.invoke on
// IPC_CHANNELS (see ./client.ts), plus getPathForFile, which only maps a File the user
// dropped onto the window to its path (Electron >= 32 has no File.path). The renderer never
// sees ipcRenderer itself.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createIpcClient } from './client';

contextBridge.exposeInMainWorld('dropInspector', {
  ...createIpcClient(ipcRenderer),
  getPathForFile: (file: File): string => webUtils.getPathForFile(file),
});
