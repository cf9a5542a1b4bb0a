import { describe, expect, it } from 'vitest';
import { splitFrontMatter } from '../../src/core/ingest/parse/front-matter.js';
import { parseJsonBriefing } from '../../src/core/ingest/parse/json.js';
import { parseMarkdownBriefing } from '../../src/core/ingest/parse/markdown.js';
import { parseTextBriefing } from '../../src/core/ingest/parse/text.js';

describe('parseTextBriefing', () => {
  const scraped = [
    'Highlights',
    '- Tin smelters in Yunnan cut output by a fifth after a power shortage.',
    '- Prices rose 6% on the London exchange.',
    '- Restarts depend on rain filling hydro reservoirs.',
    'Yunnan’s tin smelters reduced production this week (opens in a new tab) after the provincial grid rationed power.',
    'Why it matters',
    'The province supplies a large share of refined tin used in solder.',
    '- Electronics makers hold about six weeks of stock.',
    'Disclaimer',
    'Based on a local trade association notice.',
    '© 2026 Solder Watch™ – metals news',
    '4 Comments',
  ].join('\n');

  it('reads highlights, body, body bullets and the disclaimer of a scraped briefing', () => {
    const briefing = parseTextBriefing(scraped);
    expect(briefing.title).toBeUndefined();
    expect(briefing.highlights).toHaveLength(3);
    expect(briefing.paragraphs).toEqual([
      'Yunnan’s tin smelters reduced production this week after the provincial grid rationed power.',
      'The province supplies a large share of refined tin used in solder.',
      'Electronics makers hold about six weeks of stock.',
    ]);
    expect(briefing.disclaimer).toBe('Based on a local trade association notice.');
    expect(briefing.source).toBe('Solder Watch');
  });

  it('takes a short first line as the title and accepts Highlights: and • bullets', () => {
    const briefing = parseTextBriefing(
      'Tin output falls in Yunnan\n\nHighlights:\n• One point here.\n• Another point.\n\nBody text.',
    );
    expect(briefing.title).toBe('Tin output falls in Yunnan');
    expect(briefing.highlights).toEqual(['One point here.', 'Another point.']);
  });

  it('joins hard-wrapped lines into one paragraph', () => {
    const briefing = parseTextBriefing(
      'Highlights\n- A point.\n\nThe ministry said output\nwould recover by March.\n\nA second paragraph.',
    );
    expect(briefing.paragraphs).toEqual([
      'The ministry said output would recover by March.',
      'A second paragraph.',
    ]);
  });

  it('takes an inline Disclaimer: line as the note and goes on with the body', () => {
    const briefing = parseTextBriefing(
      'Highlights\n- A.\nBody one.\nDisclaimer: Figures are estimates.\nBody two.',
    );
    expect(briefing.disclaimer).toBe('Figures are estimates.');
    expect(briefing.paragraphs).toEqual(['Body one.', 'Body two.']);
  });

  it('does not mistake a sentence about disclaimers for a disclaimer', () => {
    const briefing = parseTextBriefing('Highlights\n- A.\nDisclaimers were added to all filings this year.');
    expect(briefing.disclaimer).toBeUndefined();
    expect(briefing.paragraphs).toEqual(['Disclaimers were added to all filings this year.']);
  });
});

describe('splitFrontMatter', () => {
  it('reads title, date, source, url and tags', () => {
    const result = splitFrontMatter(
      '---\ntitle: Cobalt prices\ndate: 2026-11-18\nsource: Desk\nurl: https://example.com/x\ntags: cobalt, DRC\n---\nBody',
    );
    expect(result).toEqual({
      ok: true,
      data: {
        title: 'Cobalt prices',
        date: '2026-11-18',
        source: 'Desk',
        url: 'https://example.com/x',
        tags: ['cobalt', 'DRC'],
      },
      body: 'Body',
    });
  });

  it('names the line of a YAML error', () => {
    const result = splitFrontMatter('---\ntitle: ok\ndate: [2026\n---\nBody');
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toMatch(
      /^front matter is not valid YAML \(line \d+: .+\): fix it or remove the --- block$/,
    );
  });

  it('reports a block that is never closed', () => {
    expect(splitFrontMatter('---\ntitle: x\nBody without a closing line')).toEqual({
      ok: false,
      reason: 'front matter has no closing --- line: close it or remove the --- block',
    });
  });

  it('rejects front matter that is not a mapping', () => {
    const result = splitFrontMatter('---\n- a\n- b\n---\nBody');
    expect(result.ok).toBe(false);
  });
});

describe('parseMarkdownBriefing', () => {
  it('keeps inline Markdown in highlights and finds the disclaimer section', () => {
    const body =
      '# Cobalt hits a two-year low\n\n## Highlights\n\n- **Cobalt** fell 8% in a week.\n- See [the data](https://example.com/d).\n\nBody paragraph one.\n\n## Disclaimer\n\nPrices are indicative.\n\nBody paragraph two.';
    const briefing = parseMarkdownBriefing(body, {});
    expect(briefing.title).toBe('Cobalt hits a two-year low');
    expect(briefing.highlights).toEqual([
      '**Cobalt** fell 8% in a week.',
      'See [the data](https://example.com/d).',
    ]);
    expect(briefing.disclaimer).toBe('Prices are indicative.');
    expect(briefing.paragraphs).toEqual(['Body paragraph one.', 'Body paragraph two.']);
  });

  it('lets front matter win over a heading', () => {
    const briefing = parseMarkdownBriefing('# Heading title\n\nBody.', {
      title: 'Front matter title',
      tags: ['a'],
    });
    expect(briefing.title).toBe('Front matter title');
    expect(briefing.tags).toEqual(['a']);
  });

  it('drops raw HTML blocks and scripts', () => {
    const briefing = parseMarkdownBriefing(
      'Body.\n\n<div onclick="x()">Inside</div>\n\n<script>alert(1)</script>\n',
      {},
    );
    expect(briefing.paragraphs.join(' ')).not.toMatch(/<|script|alert/);
    expect(briefing.paragraphs).toContain('Inside');
  });
});

describe('parseJsonBriefing', () => {
  it('reads every field and splits the body into paragraphs', () => {
    const result = parseJsonBriefing(
      JSON.stringify({
        title: 'T',
        date: '2026-11-18',
        source: 'S',
        url: 'https://example.com',
        highlights: ['a', 'b'],
        body: 'One.\n\nTwo.',
        disclaimer: 'D',
      }),
    );
    expect(result).toEqual({
      ok: true,
      briefing: {
        title: 'T',
        titleOrigin: 'metadata',
        date: '2026-11-18',
        source: 'S',
        url: 'https://example.com',
        tags: [],
        highlights: ['a', 'b'],
        paragraphs: ['One.', 'Two.'],
        disclaimer: 'D',
      },
    });
  });

  it('names the line of a syntax error', () => {
    const result = parseJsonBriefing('{\n  "title": "x",\n  "highlights": [\n}');
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toMatch(/^not valid JSON \(line 4: .+\): fix the syntax$/);
  });

  it('names a field of the wrong type', () => {
    const result = parseJsonBriefing('{ "title": "x", "highlights": { "a": 1 } }');
    expect(result.ok ? '' : result.reason).toContain('JSON field "highlights" is not valid');
  });

  it('rejects JSON that is not an object', () => {
    expect(parseJsonBriefing('[1, 2]').ok).toBe(false);
  });
});
