import { describe, expect, it } from 'vitest';
import { resolvePeriod } from '../../src/core/digest/period.js';
import { selectBriefings } from '../../src/core/digest/select.js';
import type { Briefing } from '../../src/core/types.js';

const week = resolvePeriod(
  { kind: 'week', week: '2026-W47' },
  { now: new Date(), timeZone: 'UTC', dates: [] },
);

function briefing(file: string, date: string, title: string, highlights: string[], id = file): Briefing {
  return {
    id,
    file,
    format: 'text',
    title,
    date: new Date(date),
    dateOrigin: 'file name',
    titleOrigin: 'metadata',
    repairs: [],
    tags: [],
    highlights,
    paragraphs: [],
  };
}

describe('selectBriefings', () => {
  it('keeps the period, newest first, and reports the rest as outside it', () => {
    const result = selectBriefings(
      [
        briefing('a.txt', '2026-11-16T00:00:00Z', 'Alpha story', ['a']),
        briefing('b.txt', '2026-11-22T23:59:59Z', 'Beta story', ['b']),
        briefing('c.txt', '2026-11-23T00:00:00Z', 'Gamma story', ['c']),
      ],
      week,
    );
    expect(result.briefings.map((item) => item.file)).toEqual(['b.txt', 'a.txt']);
    expect(result.skipped).toEqual([]);
    expect(result.outside).toEqual([
      { file: 'c.txt', reason: 'outside the period: dated 2026-11-23 (file name), after 2026-W47' },
    ]);
  });

  it('drops an exact duplicate and names the file it duplicates', () => {
    const result = selectBriefings(
      [
        briefing('a.txt', '2026-11-18T00:00:00Z', 'Story', ['x'], 'same'),
        briefing('copy/a.txt', '2026-11-18T00:00:00Z', 'Story', ['x'], 'same'),
      ],
      week,
    );
    expect(result.briefings).toHaveLength(1);
    expect(result.skipped).toEqual([{ file: 'copy/a.txt', reason: 'duplicate of a.txt (same content)' }]);
  });

  it('drops a near-duplicate with almost the same title and highlights', () => {
    const highlights = [
      'Zambia raised its copper royalty to ten percent from January',
      'Miners warned that new investment could slow',
    ];
    const result = selectBriefings(
      [
        briefing('one.txt', '2026-11-19T00:00:00Z', 'Zambia raises copper royalty', highlights),
        briefing('two.txt', '2026-11-18T00:00:00Z', 'Zambia raises copper royalty rate', [
          ...highlights.slice(0, 1),
          'Miners warned new investment could slow',
        ]),
      ],
      week,
    );
    expect(result.briefings.map((item) => item.file)).toEqual(['one.txt']);
    expect(result.skipped[0]?.reason).toBe('near-duplicate of one.txt (same title and highlights)');
  });

  it('keeps different stories on the same subject', () => {
    const result = selectBriefings(
      [
        briefing('one.txt', '2026-11-19T00:00:00Z', 'Zambia raises copper royalty', [
          'The rate rises to ten percent in January',
        ]),
        briefing('two.txt', '2026-11-18T00:00:00Z', 'Chile copper output falls', [
          'Ore grades declined at older mines',
        ]),
      ],
      week,
    );
    expect(result.briefings).toHaveLength(2);
  });
});
