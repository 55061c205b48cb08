// Shared helpers for the renderer tests (jsdom).
import { afterEach, vi } from 'vitest';
import { cleanup } from '@testing-library/react';

/** jsdom has no 2D canvas: make getContext quietly answer null, as a GPU-less browser would. */
export function stubCanvas(): void {
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(() => null);
}

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});
