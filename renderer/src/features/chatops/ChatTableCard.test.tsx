import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import type { ChatCard } from '../../../../shared/api/chatops.ts';
import { renderWithProviders } from '../../test/render.tsx';
import { ChatRowList, stacksRows } from './ChatTableCard.tsx';

describe('stacksRows', () => {
  it('stacks a table of more than two columns on a phone-wide panel, and nothing unmeasured or wide', () => {
    expect(stacksRows(340, 6)).toBe(true);
    expect(stacksRows(340, 3)).toBe(true);
    // field and value fit a phone as a table
    expect(stacksRows(340, 2)).toBe(false);
    // the desktop panel (~560 px) and an unmeasured box keep the table
    expect(stacksRows(560, 6)).toBe(false);
    expect(stacksRows(0, 6)).toBe(false);
  });
});

describe('ChatRowList', () => {
  it('draws one labelled block per row, each cell under its column name, a missing cell as a dash', () => {
    const card: ChatCard = { kind: 'table', intent: 'alerts.list', title: '2 firing alerts', text: '2 firing alerts.', columns: ['id', 'alert', 'target'], rows: [[1, 'HighCpu', 'web-1'], [2, 'DiskFull', null]] };
    renderWithProviders(<ChatRowList card={card} />);
    const list = screen.getByRole('list', { name: '2 firing alerts' });
    const rows = within(list).getAllByRole('listitem');
    expect(rows).toHaveLength(2);
    expect(rows.map((row) => [...row.querySelectorAll('dt')].map((dt) => dt.textContent))).toEqual([['id', 'alert', 'target'], ['id', 'alert', 'target']]);
    expect([...rows[1]!.querySelectorAll('dd')].map((dd) => dd.textContent)).toEqual(['2', 'DiskFull', '—']);
  });
});
