import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  escapeInline,
  inlineToHtml,
  inlineToPlain,
  inlineToText,
  truncateInline,
} from '../../src/core/ingest/inline.js';

// Only these tags may appear in rendered briefing text; anything else is escaped text.
const ALLOWED_TAGS = /<(?!\/?(?:strong|em|s|code)>|a href="(?:https?:|mailto:)[^"]*" style="[^"]*">|\/a>)/;

describe('inlineToHtml', () => {
  it('renders bold, emphasis and allowed links', () => {
    expect(inlineToHtml('**Up** _a lot_ [data](https://example.com/a?b=1&c=2)')).toBe(
      '<strong>Up</strong> <em>a lot</em> <a href="https://example.com/a?b=1&amp;c=2" style="color:#1d4ed8;text-decoration:underline;">data</a>',
    );
  });

  it.each([
    ['a script tag', '<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['an onerror attribute', '<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)&gt;'],
    ['a javascript: link', '[click](javascript:alert(1))', 'click'],
    ['a data: link', '[x](data:text/html;base64,PHNjcmlwdD4=)', 'x'],
    ['an image', '![tracker](https://evil.example/p.gif)', 'tracker'],
    [
      'an iframe',
      '<iframe src="https://evil.example"></iframe>',
      '&lt;iframe src=&quot;https://evil.example&quot;&gt;&lt;/iframe&gt;',
    ],
  ])('shows %s as text, never as markup', (_case, input, expected) => {
    expect(inlineToHtml(input)).toBe(expected);
  });

  it('escapes whatever it is given', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 120 }), (text) => {
        const html = inlineToHtml(text);
        expect(html).not.toMatch(ALLOWED_TAGS);
        expect(html).not.toMatch(/<a href="(?!https?:|mailto:)/i);
      }),
      { numRuns: 2000 },
    );
  });

  it('escapes markup-shaped input', () => {
    const piece = fc.constantFrom(
      '<',
      '>',
      '"',
      "'",
      '&',
      'script',
      'onerror=',
      'javascript:',
      '[a](',
      ')',
      '**',
      '_',
      '`',
      ' ',
      'https://x.example',
      '<a href="',
      'iframe',
      '\\',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 25 }), (pieces) => {
        const html = inlineToHtml(pieces.join(''));
        expect(html).not.toMatch(ALLOWED_TAGS);
        expect(html).not.toMatch(/<a href="(?!https?:|mailto:)/i);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('plain text', () => {
  it('writes links out for the text part and leaves them out of plain strings', () => {
    expect(inlineToText('See **the** [report](https://example.com/r).')).toBe(
      'See the report (https://example.com/r).',
    );
    expect(inlineToPlain('See **the** [report](https://example.com/r).')).toBe('See the report.');
  });

  it('round-trips plain text through escapeInline', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 80 }).map((text) => text.replace(/\s+/g, ' ').trim()),
        (text) => {
          expect(inlineToPlain(escapeInline(text))).toBe(text);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('truncates long Markdown as plain text without leaving markup half open', () => {
    const cut = truncateInline(`**Bold** and [a link](https://example.com) ${'more words '.repeat(40)}`, 60);
    expect(inlineToHtml(cut)).not.toContain('<a');
    expect([...inlineToPlain(cut)].length).toBeLessThanOrEqual(60);
  });
});
