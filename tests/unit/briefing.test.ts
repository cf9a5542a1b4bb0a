import { describe, expect, it } from 'vitest';
import { readBriefing } from '../../src/core/ingest/briefing.js';
import type { BriefingResult } from '../../src/core/types.js';
import { sourceFile } from '../helpers/briefings.js';

const options = { timeZone: 'UTC', maxBytes: 64 * 1024 };
const briefing = (result: BriefingResult) => {
  if (!result.ok) throw new Error(`skipped: ${result.skipped.reason}`);
  return result.briefing;
};
const reason = (result: BriefingResult) => (result.ok ? 'not skipped' : result.skipped.reason);

const TEXT =
  'Highlights\n- Graphite exports were licensed again.\n- Shipments resume next month.\nThe commerce ministry, which controls export licences, approved three exporters on Tuesday. More may follow.';

describe('readBriefing', () => {
  it('heads a briefing without a title line with the main clause of its first highlight', () => {
    const lead =
      'Highlights\n- Quarry operator Halden Stone (HSX) won a five-year contract with the port authority, its largest yet.\n' +
      'The contract runs for five years and covers all three terminals.';
    expect(briefing(readBriefing(sourceFile('a.txt', lead), options))).toMatchObject({
      title: 'Quarry operator Halden Stone won a five-year contract with the port authority',
      titleOrigin: 'first highlight',
    });
    expect(briefing(readBriefing(sourceFile('b.txt', TEXT), options))).toMatchObject({
      title: 'Graphite exports were licensed again',
      titleOrigin: 'first highlight',
    });
  });

  it.each([
    [
      'a purpose',
      'Officials approved the Delta pipeline expansion on Monday to ease winter shortages.',
      'Officials approved the Delta pipeline expansion on Monday',
    ],
    [
      'a relative clause',
      'The mint launched a gold-backed token which trades on two exchanges.',
      'The mint launched a gold-backed token',
    ],
    [
      'a long clause, cut at a word',
      `The ${'very '.repeat(30)}long clause ends here.`,
      `The ${'very '.repeat(17).trim()}…`,
    ],
  ])('cuts a lead with %s before its tail', (_case, highlight, title) => {
    const text = `Highlights\n- ${highlight}\nBody text follows here.`;
    expect(briefing(readBriefing(sourceFile('lead.txt', text), options)).title).toBe(title);
  });

  it('falls back to the first body sentence only when there are no highlights', () => {
    const body =
      'The commerce ministry, which controls export licences, approved three exporters on Tuesday. More may follow.';
    expect(briefing(readBriefing(sourceFile('a.txt', body), options))).toMatchObject({
      title: 'The commerce ministry approved three exporters on Tuesday',
      titleOrigin: 'first sentence',
    });
  });

  it('takes the source from a Source: line and drops the line from the body', () => {
    const text = 'Highlights\n- Tin output rose.\nSource: Harbour Ledger\nThe smelter ran at full capacity.';
    const read = briefing(readBriefing(sourceFile('s.txt', text), options));
    expect(read.source).toBe('Harbour Ledger');
    expect(read.paragraphs).toEqual(['The smelter ran at full capacity.']);
  });

  it('takes the date from front matter, then the file name or date folders, then the modified time', () => {
    const md = '---\ndate: 2026-11-17\n---\n## Highlights\n- A point.\n';
    expect(briefing(readBriefing(sourceFile('2026-11-02-x.md', md), options))).toMatchObject({
      date: new Date('2026-11-17T00:00:00Z'),
      dateOrigin: 'metadata',
    });
    expect(briefing(readBriefing(sourceFile('notes/2026-11-02-x.txt', TEXT), options))).toMatchObject({
      date: new Date('2026-11-02T00:00:00Z'),
      dateOrigin: 'file name',
    });
    // Date folders, as S3 keys are often laid out: the same date the listing gave the file.
    expect(briefing(readBriefing(sourceFile('2026/11/03/x.txt', TEXT), options))).toMatchObject({
      date: new Date('2026-11-03T00:00:00Z'),
      dateOrigin: 'file name',
    });
    const modified = new Date('2026-11-19T08:30:00Z');
    expect(briefing(readBriefing(sourceFile('x.txt', TEXT, modified), options))).toMatchObject({
      date: modified,
      dateOrigin: 'modified time',
    });
  });

  it('reads dates in the configured time zone', () => {
    const md = '---\ndate: 2026-11-17\n---\nBody text that is long enough.';
    expect(
      briefing(readBriefing(sourceFile('x.md', md), { ...options, timeZone: 'Asia/Tokyo' })).date,
    ).toEqual(new Date('2026-11-16T15:00:00Z'));
  });

  it('gives the same briefing under two names the same id', () => {
    const a = briefing(readBriefing(sourceFile('a.txt', TEXT), options));
    const b = briefing(readBriefing(sourceFile('copies/b.txt', `${TEXT}\n\n`, new Date(0)), options));
    expect(a.id).toBe(b.id);
    expect(a.id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('keeps only http, https and mailto URLs', () => {
    const json = (url: string) =>
      sourceFile('x.json', JSON.stringify({ title: 'T', url, highlights: ['h'] }));
    expect(briefing(readBriefing(json('https://example.com/x'), options)).url).toBe('https://example.com/x');
    expect(briefing(readBriefing(json('javascript:alert(1)'), options)).url).toBeUndefined();
  });

  it.each([
    ['a hidden file', sourceFile('.draft.txt', TEXT), 'hidden file'],
    [
      'a path-like name (an S3 key with ..)',
      sourceFile('notes/../../etc/x.txt', TEXT),
      'path-like name with a "." or ".." segment',
    ],
    ['a file type that is not a briefing', sourceFile('photo.jpg', TEXT), 'not a briefing file type (.jpg)'],
    [
      'a file over the size limit',
      { name: 'big.txt', size: 10 * 1024 * 1024, modified: new Date() },
      'too large (10.0 MB; the limit is 64.0 KB)',
    ],
    ['an empty file', sourceFile('empty.txt', ''), 'empty file'],
    [
      'a file with nothing left after cleaning',
      sourceFile('junk.txt', '<script>x()</script>\n0 Comments\n'),
      'no usable text',
    ],
    [
      'an impossible date',
      sourceFile('x.json', '{"title":"T","date":"2026-02-30","highlights":["h"]}'),
      'date "2026-02-30" is not a real date',
    ],
    [
      'broken front matter',
      sourceFile('x.md', '---\ntitle: [oops\n---\nBody'),
      'front matter is not valid YAML',
    ],
  ])('skips %s and says why', (_case, file, expected) => {
    expect(reason(readBriefing(file, options))).toContain(expected);
  });
});
