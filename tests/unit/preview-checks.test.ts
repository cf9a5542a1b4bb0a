import { describe, expect, it } from 'vitest';
import type { DigestManifest } from '../../src/core/render/build.js';
import { briefingsLinking, digestChecks } from '../../src/preview/checks.js';

type Item = DigestManifest['items'][number];

function manifestWith(items: Partial<Item>[]): DigestManifest {
  return {
    issueId: '2026-W47',
    subject: 'Week 47: copper',
    preheader: 'Also: nickel',
    period: { start: '2026-11-16', end: '2026-11-22', timeZone: 'UTC' },
    items: items.map((item, index) => ({
      id: `item-${index}`,
      file: `briefing-${index}.md`,
      title: `Story ${index}`,
      date: '2026-11-18T00:00:00.000Z',
      source: null,
      url: null,
      highlights: [],
      summary: 'highlights',
      note: null,
      alsoReportedBy: [],
      ...item,
    })),
    skipped: [],
    outsideThePeriod: 0,
    sources: { listed: items.length, read: items.length },
    collapsedItems: [],
    issueFile: null,
    groups: [],
    maxItems: 12,
    beyondMaxItems: [],
    placeholders: null,
    generatedAt: '2026-11-23T00:00:00.000Z',
  };
}

const linkWarnings = (html: string, manifest: DigestManifest) =>
  digestChecks({ html, manifest, mjmlWarnings: [] })
    .filter((check) => check.message.startsWith('Link is not https'))
    .map((check) => check.message);

describe('preview checks: links that are not https', () => {
  it.each([
    ['its link', { url: 'http://example.com/copper' }, 'http://example.com/copper'],
    [
      'a highlight',
      { highlights: ['Output fell ([report](http://example.com/report?a=1&b=2)).'] },
      'http://example.com/report?a=1&amp;b=2',
    ],
    ['its note', { note: 'See [the filing](http://example.com/filing).' }, 'http://example.com/filing'],
  ])('names the briefing a link in %s came from', (_where, item, href) => {
    const manifest = manifestWith([{ file: 'other.md' }, { file: '2026-11-17-copper.md', ...item }]);
    expect(linkWarnings(`<a href="${href}">x</a>`, manifest)).toEqual([
      `Link is not https: ${href.replaceAll('&amp;', '&')} (in 2026-11-17-copper.md)`,
    ]);
  });

  it('names every briefing that carries the same link', () => {
    const manifest = manifestWith([
      { file: 'a.md', url: 'http://example.com/shared' },
      { file: 'b.md', highlights: ['[shared](http://example.com/shared)'] },
    ]);
    expect(linkWarnings('<a href="http://example.com/shared">x</a>', manifest)).toEqual([
      'Link is not https: http://example.com/shared (in a.md, b.md)',
    ]);
  });

  it('says when a link comes from the template or settings rather than a briefing', () => {
    expect(linkWarnings('<a href="http://example.com/home">home</a>', manifestWith([{}]))).toEqual([
      'Link is not https: http://example.com/home (in the template or settings, not a briefing)',
    ]);
  });

  it('finds a link a briefing wrote with characters the HTML percent-encodes', () => {
    const manifest = manifestWith([{ file: 'accents.md', highlights: ['[café](http://example.com/café)'] }]);
    expect(briefingsLinking(manifest, 'http://example.com/caf%C3%A9')).toEqual(['accents.md']);
  });

  it('credits a source grouped into a story with its own file', () => {
    const manifest = manifestWith([
      {
        file: 'lead.md',
        url: 'https://example.com/lead',
        alsoReportedBy: [{ file: 'second.md', source: 'Second Wire', url: 'http://example.com/second' }],
      },
    ]);
    expect(briefingsLinking(manifest, 'http://example.com/second')).toEqual(['second.md']);
  });
});
