import { useCallback, useRef, useState, type PointerEvent } from 'react';

export interface DragRange {
  /** Pixel span being dragged, for drawing the selection. */
  selection: { x0: number; x1: number } | null;
  handlers: {
    onPointerDown(event: PointerEvent<SVGRectElement>): void;
    onPointerMove(event: PointerEvent<SVGRectElement>): void;
    onPointerUp(event: PointerEvent<SVGRectElement>): void;
    onPointerLeave(): void;
  };
}

/** Below this many pixels a drag is a click, not a zoom. */
const MIN_DRAG_PX = 5;

/**
 * Brush to zoom: press, drag across the plot, release. Reports the pixel span; the chart
 * turns it into times. Pointer capture keeps the drag alive when the pointer leaves the plot.
 */
export function useDragRange(onRange: ((x0: number, x1: number) => void) | undefined, onHover: (x: number | null) => void): DragRange {
  const start = useRef<number | null>(null);
  const [selection, setSelection] = useState<{ x0: number; x1: number } | null>(null);
  const localX = (event: PointerEvent<SVGRectElement>) => event.clientX - event.currentTarget.getBoundingClientRect().left;

  const onPointerDown = useCallback((event: PointerEvent<SVGRectElement>) => {
    if (!onRange || event.button !== 0) return;
    start.current = localX(event);
    event.currentTarget.setPointerCapture?.(event.pointerId);
    setSelection({ x0: start.current, x1: start.current });
  }, [onRange]);

  const onPointerMove = useCallback((event: PointerEvent<SVGRectElement>) => {
    const x = localX(event);
    if (start.current === null) {
      onHover(x);
      return;
    }
    setSelection({ x0: start.current, x1: x });
  }, [onHover]);

  const onPointerUp = useCallback((event: PointerEvent<SVGRectElement>) => {
    if (start.current === null) return;
    const x0 = Math.min(start.current, localX(event));
    const x1 = Math.max(start.current, localX(event));
    start.current = null;
    setSelection(null);
    if (x1 - x0 >= MIN_DRAG_PX) onRange?.(x0, x1);
  }, [onRange]);

  const onPointerLeave = useCallback(() => {
    if (start.current === null) onHover(null);
  }, [onHover]);

  return { selection, handlers: { onPointerDown, onPointerMove, onPointerUp, onPointerLeave } };
}
