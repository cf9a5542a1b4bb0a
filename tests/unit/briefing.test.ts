import { describe, expect, it } from 'vitest';
import { readBriefing } from '../../src/core/briefing.js';
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
  it('makes a title from the first body sentence when there is no headline', () => {
    expect(briefing(readBriefing(sourceFile('a.txt', TEXT), options)).title).toBe(
      'The commerce ministry approved three exporters on Tuesday',
    );
  });

  it('takes the date from front matter, then the file name, then the modified time', () => {
    const md = '---\ndate: 2026-11-17\n---\n## Highlights\n- A point.\n';
    expect(briefing(readBriefing(sourceFile('2026-11-02-x.md', md), options))).toMatchObject({
      date: new Date('2026-11-17T00:00:00Z'),
      dateOrigin: 'metadata',
    });
    expect(briefing(readBriefing(sourceFile('notes/2026-11-02-x.txt', TEXT), options))).toMatchObject({
      date: new Date('2026-11-02T00:00:00Z'),
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
