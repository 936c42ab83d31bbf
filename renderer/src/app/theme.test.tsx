import { describe, expect, it } from 'vitest';
import { Drawer, Modal } from '@mantine/core';
import { screen } from '@testing-library/react';
import { renderWithProviders } from '../test/render.tsx';

describe('theme', () => {
  // A drawer's or dialog's title bar was a <header>: a second "banner" landmark beside the
  // app's own header (axe: landmark-no-duplicate-banner), heard as the page's banner.
  it('gives dialogs and drawers a title bar that is no second banner', async () => {
    renderWithProviders(
      <>
        <Drawer opened onClose={() => undefined} title="Alert #1">drawer body</Drawer>
        <Modal opened onClose={() => undefined} title="New silence">modal body</Modal>
      </>,
    );
    expect(await screen.findByText('drawer body')).toBeTruthy();
    expect(await screen.findByText('modal body')).toBeTruthy();
    expect(screen.queryAllByRole('banner')).toEqual([]);
    expect(document.querySelectorAll('header')).toHaveLength(0);
    expect(screen.getByRole('dialog', { name: 'Alert #1' })).toBeTruthy();
  });
});
