import { describe, expect, it } from 'vitest';
import { resolvePeriod } from '../../src/core/digest/period.js';
import {
  extractKeySentences,
  HIGHLIGHT_MAX,
  PREHEADER_MAX,
  SUBJECT_MAX,
  summarize,
} from '../../src/core/digest/summarize.js';
import type { Briefing } from '../../src/core/types.js';

const period = resolvePeriod(
  { kind: 'week', week: '2026-W47' },
  { now: new Date(), timeZone: 'UTC', dates: [] },
);

function briefing(overrides: Partial<Briefing>): Briefing {
  return {
    id: 'id',
    file: 'f.txt',
    format: 'text',
    title: 'Lithium prices steady',
    date: new Date('2026-11-18T00:00:00Z'),
    dateOrigin: 'file name',
    titleOrigin: 'metadata',
    repairs: [],
    tags: [],
    highlights: ['One.'],
    paragraphs: [],
    ...overrides,
  };
}

describe('summarize', () => {
  it('keeps at most three highlights, each cut at a word boundary within 280 characters', () => {
    const long = `${'word '.repeat(100)}end.`;
    const digest = summarize({
      briefings: [briefing({ highlights: ['a', 'b', 'c', 'd', long] })],
      skipped: [],
      period,
      newsletterName: 'N',
    });
    expect(digest.items[0]?.highlights).toEqual(['a', 'b', 'c']);
    const cut =
      summarize({ briefings: [briefing({ highlights: [long] })], skipped: [], period, newsletterName: 'N' })
        .items[0]?.highlights[0] ?? '';
    expect([...cut].length).toBeLessThanOrEqual(HIGHLIGHT_MAX);
    expect(cut).toMatch(/word…$/);
  });

  it('names the week and the top story in a subject of at most 78 characters', () => {
    const items = [
      briefing({
        id: '1',
        title: 'Indonesia caps new nickel smelter permits that depend on captive coal power plants',
      }),
      briefing({ id: '2', title: 'Second' }),
    ];
    const digest = summarize({ briefings: items, skipped: [], period, newsletterName: 'N' });
    expect(digest.subject).toMatch(/^Week 47: Indonesia caps new nickel smelter permits.*… \(\+1 more\)$/);
    expect([...digest.subject].length).toBeLessThanOrEqual(SUBJECT_MAX);
  });

  it('keeps the preheader within 110 characters', () => {
    const items = Array.from({ length: 8 }, (_, index) =>
      briefing({ id: String(index), title: `Story number ${index} about metals markets` }),
    );
    const digest = summarize({ briefings: items, skipped: [], period, newsletterName: 'N' });
    expect([...digest.preheader].length).toBeLessThanOrEqual(PREHEADER_MAX);
    expect(digest.preheader).toMatch(/^Also: Story number 1/);
  });

  it('marks items whose highlights were extracted', () => {
    const digest = summarize({
      briefings: [
        briefing({
          highlights: [],
          paragraphs: [
            'Norway opened its first deep-sea mining licensing round on Monday, covering 280,000 square kilometres. Environmental groups said they would challenge it in court.',
          ],
        }),
      ],
      skipped: [],
      period,
      newsletterName: 'N',
    });
    expect(digest.items[0]?.summary).toBe('extracted');
    expect(digest.items[0]?.highlights).toHaveLength(2);
  });
});

describe('extractKeySentences', () => {
  const paragraphs = [
    'Click here to subscribe to our newsletter for daily updates.',
    'Kazakhstan approved a new tungsten mine in the east of the country on Tuesday, its first in thirty years.',
    'The deposit holds an estimated 1.2 million tonnes of ore.',
    'Officials said construction would start in 2027 and employ 900 people.',
    'Photo: Ministry of Industry.',
    'Read more.',
  ];

  it('picks 2–3 informative sentences in reading order and leaves boilerplate out', () => {
    const sentences = extractKeySentences(paragraphs, 'Kazakhstan approves tungsten mine');
    expect(sentences.length).toBeGreaterThanOrEqual(2);
    expect(sentences.length).toBeLessThanOrEqual(3);
    expect(sentences[0]).toMatch(/^Kazakhstan approved/);
    expect(sentences.join(' ')).not.toMatch(/subscribe|Photo:|Read more/);
  });
});
