import { DateTime } from 'luxon';

/** Interprets a date written by an editor (`2026-11-18`, ISO date-time, RFC 2822) in a time zone. */
export function parseEditorDate(text: string, timeZone: string): DateTime | undefined {
  const trimmed = text.trim();
  for (const parse of [DateTime.fromISO, DateTime.fromRFC2822, DateTime.fromHTTP]) {
    const date = parse(trimmed, { zone: timeZone });
    if (date.isValid) return date;
  }
  return undefined;
}

const DATE_IN_NAME = /(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)/;

/** A `YYYY-MM-DD` found in a file name or key, if it is a real date. */
export function dateFromFileName(name: string, timeZone: string): DateTime | undefined {
  const match = DATE_IN_NAME.exec(name);
  if (!match) return undefined;
  const date = DateTime.fromISO(`${match[1]}-${match[2]}-${match[3]}`, { zone: timeZone });
  return date.isValid ? date : undefined;
}

/** `Wed 18 Nov 2026` style, as shown next to an item. */
export function formatDay(date: Date, timeZone: string): string {
  return DateTime.fromJSDate(date, { zone: timeZone }).toFormat('ccc d LLL yyyy');
}

/** `16–22 November 2026`, `28 Dec 2026 – 3 Jan 2027`: a period as people say it. */
export function formatRange(start: Date, endExclusive: Date, timeZone: string): string {
  const first = DateTime.fromJSDate(start, { zone: timeZone });
  const last = DateTime.fromJSDate(endExclusive, { zone: timeZone }).minus({ milliseconds: 1 });
  if (first.hasSame(last, 'day')) return first.toFormat('d LLLL yyyy');
  if (first.hasSame(last, 'month')) return `${first.toFormat('d')}–${last.toFormat('d LLLL yyyy')}`;
  if (first.hasSame(last, 'year')) return `${first.toFormat('d LLL')} – ${last.toFormat('d LLL yyyy')}`;
  return `${first.toFormat('d LLL yyyy')} – ${last.toFormat('d LLL yyyy')}`;
}
