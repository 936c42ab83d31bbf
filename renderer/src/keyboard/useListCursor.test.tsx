import { describe, expect, it, vi } from 'vitest';
import { fireEvent, screen } from '@testing-library/react';
import { renderWithProviders } from '../test/render.tsx';
import { useListCursor } from './useListCursor.ts';

function List({ onAck }: { onAck: (index: number) => void }) {
  const cursor = useListCursor(3, { a: onAck });
  return <p data-testid="cursor">{cursor.index}</p>;
}

describe('keyboard triage', () => {
  it('moves with j and k within bounds and acts on the highlighted row', () => {
    const onAck = vi.fn();
    renderWithProviders(<List onAck={onAck} />);
    const press = (key: string) => fireEvent.keyDown(document.documentElement, { key, code: `Key${key.toUpperCase()}` });
    press('a');
    expect(onAck).not.toHaveBeenCalled();
    press('j');
    press('j');
    press('j');
    press('j');
    expect(screen.getByTestId('cursor').textContent).toBe('2');
    press('k');
    press('a');
    expect(onAck).toHaveBeenCalledWith(1);
  });
});
