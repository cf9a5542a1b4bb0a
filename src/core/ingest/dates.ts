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
const DATE_FOLDERS = /(?:^|\/)(\d{4})\/(\d{2})\/(\d{2})\//;

/**
 * The date a file's name or key gives it, if it is a real date: a `YYYY-MM-DD` anywhere in it
 * (`2026-11-18-copper.md`, `2026-11-18/copper.md`), else date folders (`2026/11/18/copper.md`).
 */
export function dateFromFileName(name: string, timeZone: string): DateTime | undefined {
  const match = DATE_IN_NAME.exec(name) ?? DATE_FOLDERS.exec(name);
  if (!match) return undefined;
  return dayInZone(`${match[1]}-${match[2]}-${match[3]}`, timeZone);
}

// A week's thousand files share seven dates, and every listing and read asks again: remember
// recent days (DateTime is immutable, so one value serves every caller).
const days = new Map<string, DateTime | undefined>();

/** The start of a `YYYY-MM-DD` day in a time zone, if it is a real date. */
export function dayInZone(isoDay: string, timeZone: string): DateTime | undefined {
  const key = `${isoDay} ${timeZone}`;
  if (days.has(key)) return days.get(key);
  if (days.size >= 1000) days.clear();
  const date = DateTime.fromISO(isoDay, { zone: timeZone });
  const day = date.isValid ? date : undefined;
  days.set(key, day);
  return day;
}

// The size guard runs the templates several times over the same few days, and luxon reads its
// format string anew on each call: remember recent labels (a bounded map, for long previews).
const dayLabels = new Map<string, string>();

/** `Wed 18 Nov 2026` style, as shown next to an item. */
export function formatDay(date: Date, timeZone: string): string {
  const key = `${date.getTime()} ${timeZone}`;
  let label = dayLabels.get(key);
  if (label === undefined) {
    if (dayLabels.size >= 1000) dayLabels.clear();
    label = DateTime.fromJSDate(date, { zone: timeZone }).toFormat('ccc d LLL yyyy');
    dayLabels.set(key, label);
  }
  return label;
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
