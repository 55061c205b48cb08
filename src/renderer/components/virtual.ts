// Helpers for @tanstack/react-virtual that keep lists usable where layout reports zero
// sizes (jsdom in tests, a collapsed panel): assume a viewport rather than render nothing.
import { measureElement, observeElementRect, type Rect, type Virtualizer } from '@tanstack/react-virtual';

export const FALLBACK_RECT: Rect = { width: 1000, height: 600 };

export function observeRectWithFallback<T extends Element>(instance: Virtualizer<T, Element>, cb: (rect: Rect) => void) {
  return observeElementRect(instance, (rect) =>
    cb({ width: rect.width > 0 ? rect.width : FALLBACK_RECT.width, height: rect.height > 0 ? rect.height : FALLBACK_RECT.height }),
  );
}

/** Measures an item; falls back to the estimate when layout says 0. */
export function measureWithFallback(estimate: number) {
  return <TScroll extends Element, TItem extends Element>(el: TItem, entry: ResizeObserverEntry | undefined, instance: Virtualizer<TScroll, TItem>) => {
    const size = measureElement(el, entry, instance);
    return size > 0 ? size : estimate;
  };
}

/** requestAnimationFrame where there is one (jsdom may lack it). */
export function nextFrame(cb: () => void): void {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => cb());
  else setTimeout(cb, 0);
}
