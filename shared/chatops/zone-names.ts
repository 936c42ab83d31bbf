import { saidBeforeFreeText } from './spoken-ids.ts';

/**
 * A time zone said by its IANA name after a time ("until 17:00 Europe/Berlin", "since 9am America/New_York", "till 8
 * asia/tokyo"), read as its offset from UTC at the moment of asking ("UTC+01:00"), which chrono-node reads; it read the
 * time in the asker's zone and dropped the name (at 0.8), so "until 17:00 Europe/Berlin" said at noon UTC silenced until
 * 17:00 UTC, an hour late. The offset is the zone's now: an end across its change of summer time is an hour off, which the
 * confirmation's end shows. A name that is no zone is left as typed.
 */
const ZONE_NAME = /\b((?:africa|america|antarctica|asia|atlantic|australia|europe|indian|pacific|etc)\/[a-z_+-]+(?:\/[a-z_]+)?)\b/gi;

/** "Europe/Berlin" → "UTC+01:00" in winter, "UTC+02:00" in summer; null when no zone is named so. */
function offsetOf(zone: string, now: number): string | null {
  try {
    const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(new Date(now)).find((p) => p.type === 'timeZoneName')?.value;
    if (name === undefined) return null;
    return name === 'GMT' ? 'UTC' : name.replace(/^GMT/, 'UTC');
  } catch {
    return null;
  }
}

export function zoneNamesRead(text: string, now: number): string {
  if (!text.includes('/')) return text;
  return text.replace(ZONE_NAME, (whole: string, zone: string, offset: number) => (saidBeforeFreeText(text, offset) ? offsetOf(zone, now) ?? whole : whole));
}
