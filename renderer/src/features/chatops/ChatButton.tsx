import { ActionIcon, Affix, Kbd, Tooltip } from '@mantine/core';
import { IconMessageChatbot } from '@tabler/icons-react';

/** Where the floating ChatOps button sits, from the window's bottom right corner (px). */
const FLOATING_OFFSET = 20;

/**
 * The room a page leaves at its end so that, scrolled down, its last line is not under
 * the floating button: the button (ActionIcon size xl, 2.75rem), its offset and a gap.
 */
export const CHAT_BUTTON_CLEARANCE = `calc(2.75rem + ${FLOATING_OFFSET + 12}px)`;

const tip = <>ChatOps <Kbd size="xs">Ctrl/⌘ J</Kbd></>;

/**
 * What opens the ChatOps panel. On a wide screen it floats over the bottom right corner, beside
 * the content. On a phone or tablet (`inHeader`) it is one of the header's buttons: floating,
 * it covered whatever scrolled under it, a card's Acknowledge, the navigation's last link.
 */
export function ChatButton({ inHeader, onClick }: { inHeader: boolean; onClick: () => void }) {
  if (inHeader) {
    return (
      <Tooltip label={tip}>
        <ActionIcon variant="default" size="lg" onClick={onClick} aria-label="Open ChatOps chat">
          <IconMessageChatbot size={18} />
        </ActionIcon>
      </Tooltip>
    );
  }
  return (
    <Affix position={{ bottom: FLOATING_OFFSET, right: FLOATING_OFFSET }}>
      <Tooltip label={tip}>
        <ActionIcon size="xl" radius="xl" onClick={onClick} aria-label="Open ChatOps chat">
          <IconMessageChatbot size={22} />
        </ActionIcon>
      </Tooltip>
    </Affix>
  );
}
