import { DateTime } from 'luxon';
import { dateFromFileName } from '../ingest/dates.js';
import type { ListedFile } from '../types.js';
import { type PeriodRequest, resolvePeriod } from './period.js';

/**
 * Which files can belong to the period, decided from the listing alone, before anything is
 * downloaded: a year of briefings in a bucket costs one listing, not a year of downloads.
 *
 * A file's listed date is the `YYYY-MM-DD` in its key or name (`2026-11-18-copper.md`,
 * `briefings/2026-11-18/copper.md`), or `…/YYYY/MM/DD/…` in its path, else its modified time.
 * Front matter may still move a briefing to another day, so a file is read when its listed date
 * is within the slack (`dateSlackDays`, 3 by default) of the period on either side; the rest are
 * counted as outside the period without being read. Three days keeps a week's build reading
 * under twice the week's files when briefings come daily; a briefing whose front matter puts it
 * further from its listed date is found with a larger slack, or by `--all` (README "Briefings").
 */
export const DEFAULT_DATE_SLACK_DAYS = 3;

export interface ReadingPlan {
  /** Files worth reading: their listed date is within the slack of the period. */
  candidates: ListedFile[];
  /** Files certainly outside the period, never read. */
  outside: ListedFile[];
}

/**
 * Splits a listing into the files to read and the files outside the period. `latest` is decided
 * from the listed dates (the newest on or before `now`); `all` reads everything.
 *
 * @example
 * planReading(listing, { kind: 'week', week: '2026-W47' }, { now, timeZone: 'UTC' }).candidates
 */
export function planReading(
  listed: ListedFile[],
  request: PeriodRequest,
  context: { now: Date; timeZone: string; dateSlackDays?: number },
): ReadingPlan {
  const slack = context.dateSlackDays ?? DEFAULT_DATE_SLACK_DAYS;
  if (request.kind === 'all') return { candidates: listed, outside: [] };
  const dated = listed.map((file) => ({ file, date: listedDate(file, context.timeZone) }));
  const dates = dated.flatMap((entry) => (entry.date ? [entry.date] : []));
  const period = resolvePeriod(request, { ...context, dates });
  const from = DateTime.fromJSDate(period.start).minus({ days: slack }).toJSDate();
  const to = DateTime.fromJSDate(period.end).plus({ days: slack }).toJSDate();
  const plan: ReadingPlan = { candidates: [], outside: [] };
  for (const { file, date } of dated)
    (!date || (date >= from && date < to) ? plan.candidates : plan.outside).push(file);
  return plan;
}

/**
 * The date a listing gives a file: from its name or path, else its modified time; undefined for
 * a folder's undated file that was not looked at (it is read, never dropped).
 */
export function listedDate(file: ListedFile, timeZone: string): Date | undefined {
  return dateFromFileName(file.name, timeZone)?.toJSDate() ?? file.modified;
}
