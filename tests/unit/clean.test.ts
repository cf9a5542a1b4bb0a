import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cleanInline,
  isResidueLine,
  publisherFromCopyright,
  safeUrl,
  stripMarkup,
} from '../../src/core/ingest/clean.js';

describe('stripMarkup', () => {
  it.each([
    ['a script element and its code', 'Before<script>alert("x")</script>after', 'Beforeafter'],
    ['an iframe', 'A<iframe src="https://evil.example"></iframe>B', 'AB'],
    ['an event-handler attribute with its tag', 'Look <img src=x onerror="alert(1)"> here', 'Look  here'],
    ['an unclosed script tag', 'Text <script src="https://evil.example/x.js">', 'Text '],
    ['encoded tags', 'A &lt;script&gt;alert(1)&lt;/script&gt; B', 'A  B'],
    ['WordPress comments, whole and cut in half', 'x<!-- wp:paragraph -->y!-- /wp:paragraph -->z', 'xyz'],
    ['screen-reader residue', 'the deal (opens in a new tab) was signed', 'the deal was signed'],
    [
      'ordinary tags, keeping their text',
      'Some <b>bold</b> and <a href="javascript:x">link</a>',
      'Some bold and link',
    ],
  ])('removes %s', (_case, input, expected) => {
    expect(stripMarkup(input)).toBe(expected);
  });

  it('keeps Markdown autolinks and comparisons', () => {
    expect(stripMarkup('see <https://example.com/a> where 3 < 4 and 5 > 2')).toBe(
      'see <https://example.com/a> where 3 < 4 and 5 > 2',
    );
  });

  it('decodes entities into plain characters', () => {
    expect(stripMarkup('R&amp;D &mdash; caf&eacute;')).toBe('R&D — café');
  });
});

describe('cleanInline', () => {
  it('never leaves a line break, so a title cannot carry a header into a subject', () => {
    expect(cleanInline('Nickel falls\r\nBcc: victim@example.com\n\nX-Evil: 1')).toBe(
      'Nickel falls Bcc: victim@example.com X-Evil: 1',
    );
  });

  it('is idempotent on any input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        const once = cleanInline(text);
        expect(cleanInline(once)).toBe(once);
      }),
      { numRuns: 1000 },
    );
  });

  it('is idempotent on markup-heavy input', () => {
    const piece = fc.constantFrom(
      '<',
      '>',
      '&',
      'lt;',
      'gt;',
      'amp;',
      'script',
      '/',
      '<b>',
      '</b>',
      '<!--',
      '-->',
      'wp:',
      ' ',
      'x',
      '\n',
      '&#60;',
      '"',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const once = cleanInline(pieces.join(''));
        expect(cleanInline(once)).toBe(once);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('safeUrl', () => {
  it.each(['https://example.com/a?b=1', 'http://example.org', 'mailto:desk@example.com'])(
    'keeps %s',
    (url) => {
      expect(safeUrl(url)).toBe(url);
    },
  );

  it.each([
    'javascript:alert(1)',
    'JAVASCRIPT:alert(1)',
    'data:text/html,<script>',
    'vbscript:x',
    '//example.com',
    'ftp://x.example',
    'https://',
    ' java\tscript:x',
  ])('drops %s', (url) => {
    expect(safeUrl(url)).toBeUndefined();
  });
});

describe('residue lines', () => {
  it.each([
    '0 Comments',
    '12 comments',
    '© 2026 Ore Ledger',
    'Copyright 2025 Example Media',
    'Share this article',
    'Click to share on LinkedIn (Opens in new window)',
    'Leave a reply',
  ])('recognises %s', (line) => {
    expect(isResidueLine(line)).toBe(true);
  });

  it.each([
    'Copper output fell 4% in October.',
    'Comments from the ministry were brief.',
    'Shareholders approved the deal.',
  ])('keeps the sentence %s', (line) => {
    expect(isResidueLine(line)).toBe(false);
  });

  it('names the publisher of a copyright footer', () => {
    expect(publisherFromCopyright('© 2026 Harbour Ledger™ – Shipping news for the materials trade.')).toBe(
      'Harbour Ledger',
    );
    expect(publisherFromCopyright('©')).toBeUndefined();
  });
});
