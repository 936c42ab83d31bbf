import { describe, expect, it } from 'vitest';
import { act, screen } from '@testing-library/react';
import { spotlight } from '@mantine/spotlight';
import { renderWithProviders } from '../test/render.tsx';
import { PlatformProvider } from '../platform/PlatformContext.tsx';
import { SessionProvider } from '../session/SessionProvider.tsx';
import { webPlatform } from '../test/web-platform.ts';
import { CommandPalette } from './CommandPalette.tsx';

const NAME = 'HighLatencyOnCheckoutServiceP99Threshold099';

describe('CommandPalette', () => {
  // On a phone an incident titled with a long alert name (no space to break at) ran past the
  // palette's edge and was cut off there, its host and state unreadable.
  it('breaks a long name inside the palette instead of cutting it off at the edge', async () => {
    const commands = [{ id: 'incident:100', label: `#100 ${NAME} on checkout`, description: `open · critical · alertname=${NAME},service=checkout`, onClick: () => undefined }];
    renderWithProviders(
      <PlatformProvider platform={webPlatform()}>
        <SessionProvider>
          <CommandPalette routes={[]} commands={commands} />
        </SessionProvider>
      </PlatformProvider>,
    );
    act(() => spotlight.open());
    const label = await screen.findByText(`#100 ${NAME} on checkout`);
    expect(label.closest('.sco-wrap-anywhere')).not.toBeNull();
    expect(screen.getByText(/^open · critical/).closest('.sco-wrap-anywhere')).not.toBeNull();
  });
});
