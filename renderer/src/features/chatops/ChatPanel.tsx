import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { ActionIcon, Drawer, Loader, Paper, ScrollArea, Stack, Text, TextInput } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { IconSend } from '@tabler/icons-react';
import type { ChatCard } from '../../../../shared/api/chatops.ts';
import { useApi } from '../../platform/PlatformContext.tsx';
import { toAppError } from '../../platform/to-app-error.ts';
import { ChatCardView } from './ChatCardView.tsx';
import { emptyHistory, recall, remember, type InputHistory } from './input-history.ts';

interface Exchange {
  id: number;
  text: string;
  card: ChatCard | null;
  /** A confirmation answered (confirmed or cancelled). */
  settled: boolean;
}

const utcOffsetMinutes = () => -new Date().getTimezoneOffset();

/**
 * The console's ChatOps panel (Ctrl/Cmd+J): type what you mean, get a card back. State
 * changes answer a confirmation whose Confirm button sends the same line with its token;
 * up/down arrows recall earlier lines (seeded from the server's history of this user).
 * The shell owns whether it is open: the button that opens it sits in the header or floats
 * (`ChatButton.tsx`).
 */
export function ChatPanel({ opened, onToggle, onClose }: { opened: boolean; onToggle: () => void; onClose: () => void }) {
  const api = useApi();
  const [text, setText] = useState('');
  const [exchanges, setExchanges] = useState<Exchange[]>([]);
  const [history, setHistory] = useState<InputHistory>(emptyHistory);
  const [busy, setBusy] = useState(false);
  const nextId = useRef(1);
  const viewport = useRef<HTMLDivElement>(null);
  const seeded = useRef(false);
  useHotkeys([['mod+J', onToggle]]);

  useEffect(() => {
    if (!opened || seeded.current) return;
    seeded.current = true;
    api.chatops
      .history()
      .then(({ items }) => setHistory((h) => (h.lines.length > 0 ? h : { ...h, lines: items.map((i) => i.text).reverse() })))
      .catch(() => undefined);
  }, [opened, api]);

  useEffect(() => {
    viewport.current?.scrollTo({ top: viewport.current.scrollHeight });
  }, [exchanges]);

  const ask = async (line: string, confirm?: string) => {
    const id = nextId.current++;
    setExchanges((list) => [...list, { id, text: confirm ? `✓ ${line}` : line, card: null, settled: false }]);
    setBusy(true);
    try {
      const card = await api.chatops.send({ body: { text: line, utcOffsetMinutes: utcOffsetMinutes(), ...(confirm ? { confirm } : {}) } });
      setExchanges((list) => list.map((e) => (e.id === id ? { ...e, card } : e)));
    } catch (error) {
      const appError = toAppError(error);
      const card: ChatCard = { kind: 'error', intent: 'unknown', title: 'Failed', text: appError.message, code: appError.code, alternatives: [] };
      setExchanges((list) => list.map((e) => (e.id === id ? { ...e, card } : e)));
    } finally {
      setBusy(false);
    }
  };

  const send = () => {
    const line = text.trim();
    if (!line || busy) return;
    setHistory((h) => remember(h, line));
    setText('');
    void ask(line);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      send();
    } else if (event.key === 'ArrowUp' || event.key === 'ArrowDown') {
      event.preventDefault();
      const step = recall(history, event.key === 'ArrowUp' ? 'up' : 'down', text);
      setHistory(step.history);
      setText(step.text);
    }
  };

  const settle = (id: number) => setExchanges((list) => list.map((e) => (e.id === id ? { ...e, settled: true } : e)));

  return (
    <>
      <Drawer opened={opened} onClose={onClose} position="right" size="lg" title="ChatOps">
        <Stack h="calc(100vh - 90px)" gap="sm">
          <ScrollArea style={{ flex: 1 }} viewportRef={viewport}>
            <Stack gap="sm" data-testid="chat-log">
              {exchanges.length === 0 && (
                <Text size="sm" c="dimmed">Try "cpu on web-1 last 2h", "what's firing", "ack 12 rolling back" or "help".</Text>
              )}
              {exchanges.map((exchange) => (
                <Stack key={exchange.id} gap={4}>
                  <Text size="sm" fw={500} ta="right" data-testid="chat-question">{exchange.text}</Text>
                  <Paper withBorder p="xs" radius="md">
                    {exchange.card ? (
                      <ChatCardView
                        card={exchange.card}
                        actions={{
                          busy,
                          settled: exchange.settled,
                          onConfirm: (token) => {
                            settle(exchange.id);
                            void ask(exchange.text, token);
                          },
                          onCancel: () => settle(exchange.id),
                        }}
                      />
                    ) : (
                      <Loader size="xs" aria-label="Waiting for the answer" />
                    )}
                  </Paper>
                </Stack>
              ))}
            </Stack>
          </ScrollArea>
          <TextInput
            aria-label="Chat command"
            placeholder="Ask or command… (↑ for history)"
            value={text}
            onChange={(event) => setText(event.currentTarget.value)}
            onKeyDown={onKeyDown}
            data-autofocus
            rightSection={
              <ActionIcon variant="subtle" onClick={send} aria-label="Send" disabled={busy}>
                <IconSend size={16} />
              </ActionIcon>
            }
          />
        </Stack>
      </Drawer>
    </>
  );
}
