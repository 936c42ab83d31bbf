import { Button, Group, Popover, SegmentedControl, Stack, TextInput } from '@mantine/core';
import { useState } from 'react';
import { IconCalendar } from '@tabler/icons-react';
import { PRESETS, type TimeRange } from './time-range.ts';

function toLocalInput(ms: number): string {
  const date = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return date.toISOString().slice(0, 16);
}

/** Presets for the usual questions, and a custom from/to for the rest; `fullWidth` on a phone. */
export function RangePicker({ range, onChange, fullWidth = false }: { range: TimeRange; onChange: (range: TimeRange) => void; fullWidth?: boolean }) {
  const [open, setOpen] = useState(false);
  const now = Date.now();
  const [from, setFrom] = useState(toLocalInput(range.kind === 'absolute' ? range.from : now - 3_600_000));
  const [to, setTo] = useState(toLocalInput(range.kind === 'absolute' ? range.to : now));
  const preset = range.kind === 'relative' ? String(range.minutes) : '';
  const fromMs = new Date(from).getTime();
  const toMs = new Date(to).getTime();
  const valid = Number.isFinite(fromMs) && Number.isFinite(toMs) && fromMs < toMs;

  return (
    <Group gap="xs" align="flex-end" w={fullWidth ? '100%' : undefined} wrap="nowrap">
      <SegmentedControl
        aria-label="Time range"
        fullWidth={fullWidth}
        style={fullWidth ? { flex: 1 } : undefined}
        data={PRESETS.map((p) => ({ value: p.value, label: p.label }))}
        value={preset}
        onChange={(value) => onChange({ kind: 'relative', minutes: Number(value) })}
      />
      <Popover opened={open} onChange={setOpen} position="bottom-end" trapFocus>
        <Popover.Target>
          <Button variant={range.kind === 'absolute' ? 'light' : 'default'} leftSection={<IconCalendar size={16} />} onClick={() => setOpen((o) => !o)}>
            Custom
          </Button>
        </Popover.Target>
        <Popover.Dropdown>
          <Stack gap="xs">
            <TextInput type="datetime-local" label="From" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
            <TextInput type="datetime-local" label="To" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
            <Button disabled={!valid} onClick={() => { onChange({ kind: 'absolute', from: fromMs, to: toMs }); setOpen(false); }}>Apply</Button>
          </Stack>
        </Popover.Dropdown>
      </Popover>
    </Group>
  );
}
