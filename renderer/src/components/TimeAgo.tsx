import { Text, type TextProps } from '@mantine/core';
import { isoTime } from '../../../shared/iso-time.ts';
import { formatAge, formatDateTime } from '../lib/format.ts';

/**
 * "8 h ago" in a list, as a `<time>`: the moment itself, in the viewer's time zone and with
 * the zone named, is its title (shown on hover) and its `datetime` (for machines). Lists
 * said "8 h ago" alone, and which hour that was could only be found in another view.
 */
export function TimeAgo({ at, now, prefix, ...text }: TextProps & { at: number; now: number; prefix?: string }) {
  return (
    <Text component="time" dateTime={isoTime(at)} title={formatDateTime(at)} {...text}>
      {prefix ? `${prefix} ` : ''}{formatAge(now - at)} ago
    </Text>
  );
}
