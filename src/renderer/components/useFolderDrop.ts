import { useEffect, useState } from 'react';
import { pathFromDroppedText, pathOfDroppedFile } from '../api';
import type { AppStore } from '../state/app-state';

/** The path a drop event carries: a File with a path (Electron), or a path / file:// URI as text. */
export function pathFromDataTransfer(dt: DataTransfer | null): string | null {
  if (!dt) return null;
  const files = dt.files;
  if (files && files.length > 0) {
    const p = pathOfDroppedFile(files[0]);
    if (p) return p;
  }
  for (const type of ['text/uri-list', 'text/plain']) {
    let text: string;
    try {
      text = dt.getData(type);
    } catch {
      text = '';
    }
    const p = text ? pathFromDroppedText(text) : null;
    if (p) return p;
  }
  return null;
}

/** Opens a folder dropped anywhere on the window; returns whether something is dragged over it. */
export function useFolderDrop(store: AppStore): boolean {
  const [over, setOver] = useState(false);
  useEffect(() => {
    let depth = 0;
    const onEnter = (e: DragEvent) => {
      e.preventDefault();
      depth++;
      setOver(true);
    };
    const onOver = (e: DragEvent) => {
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const onLeave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const onDrop = (e: DragEvent) => {
      e.preventDefault();
      depth = 0;
      setOver(false);
      const path = pathFromDataTransfer(e.dataTransfer);
      if (path) void store.getState().openDrop(path);
      else
        store.getState().showError(
          { code: 'bad-request', message: 'This window cannot read the path of what was dropped here. Type or paste the folder path instead.' },
          'Opening a dropped folder',
        );
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragover', onOver);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('drop', onDrop);
    };
  }, [store]);
  return over;
}
