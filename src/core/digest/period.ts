import { DateTime } from 'luxon';
import { UsageError } from '../errors.js';
import type { Period } from '../types.js';

/** How the editor asked for the period; exactly one kind applies. */
export type PeriodRequest =
  | { kind: 'week'; week: string }
  | { kind: 'latest' }
  | { kind: 'range'; since?: string; until?: string }
  | { kind: 'all' }
  | { kind: 'trailing'; days: number };

const ISO_WEEK = /^(\d{4})-W(\d{2})$/;

/**
 * Turns a request into a concrete period in the configured time zone. `latest` needs the dates
 * of the briefings: it picks the newest ISO week that has one (ignoring dates after `now`).
 *
 * @example
 * resolvePeriod({ kind: 'week', week: '2026-W47' }, { now, timeZone: 'UTC', dates: [] })
 * // { id: '2026-W47', start: 2026-11-16T00:00Z, end: 2026-11-23T00:00Z, … }
 */
export function resolvePeriod(
  request: PeriodRequest,
  context: { now: Date; timeZone: string; dates: Date[] },
): Period {
  const { timeZone } = context;
  const now = DateTime.fromJSDate(context.now, { zone: timeZone });
  switch (request.kind) {
    case 'week':
      return isoWeek(request.week, timeZone);
    case 'latest': {
      const past = context.dates.filter((date) => date <= context.now);
      const newest = past.length > 0 ? new Date(Math.max(...past.map(Number))) : context.now;
      const week = DateTime.fromJSDate(newest, { zone: timeZone });
      return isoWeek(`${week.weekYear}-W${String(week.weekNumber).padStart(2, '0')}`, timeZone);
    }
    case 'range': {
      const start = request.since ? day(request.since, '--since', timeZone) : undefined;
      const untilDay = request.until ? day(request.until, '--until', timeZone) : now.startOf('day');
      const end = untilDay.plus({ days: 1 });
      const first = start ?? end.minus({ days: 7 });
      if (first >= end) throw new UsageError('--since is after --until: swap the two dates');
      return {
        id: `${first.toISODate()}_${end.minus({ days: 1 }).toISODate()}`,
        kind: 'range',
        start: first.toJSDate(),
        end: end.toJSDate(),
        timeZone,
      };
    }
    case 'trailing': {
      // Whole days in the time zone, today included, so the label, the id and the boundary agree.
      const end = now.startOf('day').plus({ days: 1 });
      const start = end.minus({ days: request.days });
      return {
        id: `${start.toISODate()}_${end.minus({ days: 1 }).toISODate()}`,
        kind: 'range',
        start: start.toJSDate(),
        end: end.toJSDate(),
        timeZone,
      };
    }
    case 'all':
      return { id: 'all', kind: 'all', start: new Date(-8.64e15), end: new Date(8.64e15), timeZone };
  }
}

function isoWeek(week: string, timeZone: string): Period {
  const invalid = new UsageError(
    `--week "${week}" is not an ISO week: use YYYY-Www (e.g. 2026-W47) or "latest"`,
  );
  const match = ISO_WEEK.exec(week);
  if (!match) throw invalid;
  const weekNumber = Number(match[2]);
  const start = DateTime.fromObject(
    { weekYear: Number(match[1]), weekNumber, weekday: 1 },
    { zone: timeZone },
  );
  if (!start.isValid || start.weekNumber !== weekNumber) throw invalid;
  return {
    id: week,
    kind: 'week',
    start: start.toJSDate(),
    end: start.plus({ weeks: 1 }).toJSDate(),
    timeZone,
  };
}

function day(text: string, flag: string, timeZone: string): DateTime {
  const date = DateTime.fromISO(text, { zone: timeZone });
  if (!date.isValid) throw new UsageError(`${flag} "${text}" is not a date: use YYYY-MM-DD`);
  return date.startOf('day');
}

/** True when the date falls inside the period. */
export function inPeriod(date: Date, period: Period): boolean {
  return date >= period.start && date < period.end;
}

/** ISO week of a period's start, e.g. 47, for subjects. Undefined for non-week periods. */
export function weekNumberOf(period: Period): number | undefined {
  return period.kind === 'week'
    ? DateTime.fromJSDate(period.start, { zone: period.timeZone }).weekNumber
    : undefined;
}

/**
 * The ISO weeks a period has days in (at most `limit`), e.g. `['2026-W47']` for 16–22 November.
 *
 * @example
 * isoWeeksOf(resolvePeriod({ kind: 'range', since: '2026-11-16', until: '2026-11-22' }, context)) // ['2026-W47']
 */
export function isoWeeksOf(period: Period, limit = 60): string[] {
  const weeks: string[] = [];
  let day = DateTime.fromJSDate(period.start, { zone: period.timeZone }).startOf('week');
  const end = DateTime.fromJSDate(period.end, { zone: period.timeZone });
  while (day < end && weeks.length < limit) {
    weeks.push(`${day.weekYear}-W${String(day.weekNumber).padStart(2, '0')}`);
    day = day.plus({ weeks: 1 });
  }
  return weeks;
}

/**
 * The ISO week that ended most recently: what a Monday-morning run sends.
 *
 * @example
 * previousWeek(new Date('2026-11-23T08:00:00Z'), 'UTC') // '2026-W47'
 */
export function previousWeek(now: Date, timeZone: string): string {
  const lastWeek = DateTime.fromJSDate(now, { zone: timeZone }).minus({ weeks: 1 });
  return `${lastWeek.weekYear}-W${String(lastWeek.weekNumber).padStart(2, '0')}`;
}
