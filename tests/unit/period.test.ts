import { describe, expect, it } from 'vitest';
import { inPeriod, resolvePeriod } from '../../src/core/digest/period.js';
import { UsageError } from '../../src/core/errors.js';
import { formatRange } from '../../src/core/ingest/dates.js';

const now = new Date('2026-11-25T10:00:00Z');

describe('resolvePeriod', () => {
  it('maps an ISO week to Monday..Sunday in UTC', () => {
    const period = resolvePeriod({ kind: 'week', week: '2026-W47' }, { now, timeZone: 'UTC', dates: [] });
    expect(period).toMatchObject({
      id: '2026-W47',
      start: new Date('2026-11-16T00:00:00Z'),
      end: new Date('2026-11-23T00:00:00Z'),
    });
  });

  it('maps an ISO week to local midnights in the configured time zone', () => {
    const period = resolvePeriod(
      { kind: 'week', week: '2026-W47' },
      { now, timeZone: 'America/New_York', dates: [] },
    );
    expect(period.start).toEqual(new Date('2026-11-16T05:00:00Z'));
    expect(period.end).toEqual(new Date('2026-11-23T05:00:00Z'));
  });

  it('handles week 1 that starts in the previous year', () => {
    const period = resolvePeriod({ kind: 'week', week: '2026-W01' }, { now, timeZone: 'UTC', dates: [] });
    expect(period.start).toEqual(new Date('2025-12-29T00:00:00Z'));
  });

  it('picks the newest week with briefings for latest, ignoring future dates', () => {
    const dates = [
      new Date('2026-11-10T00:00:00Z'),
      new Date('2026-11-18T00:00:00Z'),
      new Date('2027-03-01T00:00:00Z'),
    ];
    expect(resolvePeriod({ kind: 'latest' }, { now, timeZone: 'UTC', dates }).id).toBe('2026-W47');
  });

  it('makes --since/--until whole days, inclusive', () => {
    const period = resolvePeriod(
      { kind: 'range', since: '2026-11-01', until: '2026-11-14' },
      { now, timeZone: 'UTC', dates: [] },
    );
    expect(period).toMatchObject({
      id: '2026-11-01_2026-11-14',
      start: new Date('2026-11-01T00:00:00Z'),
      end: new Date('2026-11-15T00:00:00Z'),
    });
  });

  it('defaults to the 7 whole days ending today, so the label, the id and the boundary agree', () => {
    const period = resolvePeriod({ kind: 'trailing', days: 7 }, { now, timeZone: 'UTC', dates: [] });
    expect(period).toMatchObject({
      id: '2026-11-19_2026-11-25',
      start: new Date('2026-11-19T00:00:00Z'),
      end: new Date('2026-11-26T00:00:00Z'),
    });
    expect(formatRange(period.start, period.end, 'UTC')).toBe('19–25 November 2026');
    expect(inPeriod(new Date('2026-11-19T00:00:00Z'), period)).toBe(true);
    expect(inPeriod(new Date('2026-11-18T23:59:59Z'), period)).toBe(false);
  });

  it('counts the default period in whole days of the configured time zone', () => {
    const late = new Date('2026-11-25T23:30:00Z'); // already 26 November in Berlin
    const period = resolvePeriod(
      { kind: 'trailing', days: 7 },
      { now: late, timeZone: 'Europe/Berlin', dates: [] },
    );
    expect(period.id).toBe('2026-11-20_2026-11-26');
    expect(period.start).toEqual(new Date('2026-11-19T23:00:00Z'));
  });

  it.each([
    [{ kind: 'week', week: '2026-47' }, /not an ISO week/],
    [{ kind: 'week', week: '2026-W54' }, /not an ISO week/],
    [{ kind: 'range', since: 'yesterday' }, /--since "yesterday" is not a date/],
    [{ kind: 'range', since: '2026-11-20', until: '2026-11-01' }, /--since is after --until/],
  ] as const)('rejects %j with a usage error', (request, message) => {
    expect(() => resolvePeriod(request, { now, timeZone: 'UTC', dates: [] })).toThrow(UsageError);
    expect(() => resolvePeriod(request, { now, timeZone: 'UTC', dates: [] })).toThrow(message);
  });
});
