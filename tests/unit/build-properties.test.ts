import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMessageFactory } from '../../src/core/delivery/message-template.js';
import { buildDigest } from '../../src/core/render/build.js';
import { compileTemplates } from '../../src/core/render/render.js';
import type { SourceFile } from '../../src/core/types.js';
import { activeContent } from '../helpers/html.js';
import { IDENTITY, SECRET } from '../helpers/sending.js';
import { bundledTemplateFiles } from '../helpers/templates.js';

const templates = compileTemplates(bundledTemplateFiles());
const settings = {
  period: { kind: 'all' } as const,
  now: new Date('2026-11-23T08:00:00Z'),
  timeZone: 'UTC',
  maxBytes: 64 * 1024,
  publication: { newsletterName: 'Metals Weekly', postalAddress: '1 Quay Street' },
  unsubscribeUrl: 'https://metals.example/unsubscribe',
  archiveUrl: 'https://metals.example/archive/{issueId}',
};

/** Builds, and checks the promises every build keeps whatever it was given. */
async function buildAndCheck(files: SourceFile[]) {
  const result = await buildDigest(files, templates, settings);
  // Every file ends up an item, another source of an item, or skipped with a reason (duplicates
  // are skipped, so counts add up).
  const grouped = result.digest.items.reduce((sum, item) => sum + item.alsoReportedBy.length, 0);
  expect(result.digest.items.length + grouped + result.digest.skipped.length).toBe(files.length);
  for (const skipped of result.digest.skipped) expect(skipped.reason).toMatch(/\w{3}/);
  if (result.output) {
    expect(activeContent(result.output.html)).toEqual([]);
    const factory = await createMessageFactory(
      {
        issueId: result.digest.issueId,
        subject: result.digest.subject,
        template: result.output.template,
        viewInBrowserUrl: result.output.viewInBrowserUrl,
      },
      { identity: IDENTITY, unsubscribeSecret: SECRET },
    );
    const raw = (await factory('reader@example.org')).raw.toString('latin1');
    const headers = raw.slice(0, raw.indexOf('\r\n\r\n'));
    // Every header line is a header or a folded continuation: no bare CR or LF, nothing injected.
    for (const line of headers.split('\r\n')) expect(line).toMatch(/^(?:[A-Za-z-]+: |[ \t])[^\r\n]*$/);
    expect(headers).not.toMatch(/^(?:Bcc|Cc|Reply-To|X-Injected):/im);
  }
  return result;
}

const file = (name: string, bytes: Uint8Array): SourceFile => ({
  name,
  bytes,
  size: bytes.length,
  modified: new Date('2026-11-18T00:00:00Z'),
});
const extension = fc.constantFrom('.txt', '.md', '.json', '', '.bin');
const hostilePiece = fc.constantFrom(
  '<script>alert(1)</script>',
  '<iframe src=//evil.example>',
  '<img src=x onerror=alert(1)>',
  '[x](javascript:alert(1))',
  '[y](data:text/html,z)',
  '\r\nBcc: victim@example.com\r\n',
  '\u202e',
  '\u200b',
  'โ',
  'ยฉ',
  'â€™',
  'Ã©',
  '---',
  '## Highlights',
  'Highlights',
  '- ',
  '• ',
  'Disclaimer:',
  '"',
  '{',
  '}',
  '&lt;script&gt;',
  '&#0;',
  '**',
  '_',
  '`',
  '\n',
  '\n\n',
  'Copper output rose 4% in October.',
  'ข่าว',
  '包钢',
);
const text = fc
  .array(fc.oneof(hostilePiece, fc.string({ maxLength: 20 })), { maxLength: 30 })
  .map((parts) => parts.join(''));

describe('buildDigest on anything', () => {
  it('never throws on random bytes, and keeps its promises', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(extension, fc.uint8Array({ maxLength: 400 })), { maxLength: 6 }),
        async (entries) => {
          await buildAndCheck(entries.map(([ext, bytes], index) => file(`f${index}${ext}`, bytes)));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('never throws on random briefing structures, and keeps its promises', async () => {
    const briefing = fc.record({
      format: fc.constantFrom('txt', 'md', 'json'),
      title: text,
      source: text,
      url: fc.oneof(fc.constant('https://example.com/a'), fc.constant('javascript:alert(1)'), text),
      highlights: fc.array(text, { maxLength: 5 }),
      body: fc.array(text, { maxLength: 4 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(briefing, { minLength: 1, maxLength: 5 }), async (briefings) => {
        const files = briefings.map((entry, index) => {
          const content =
            entry.format === 'json'
              ? JSON.stringify({
                  title: entry.title,
                  source: entry.source,
                  url: entry.url,
                  highlights: entry.highlights,
                  body: entry.body.join('\n\n'),
                })
              : entry.format === 'md'
                ? `---\ntitle: ${JSON.stringify(entry.title)}\nsource: ${JSON.stringify(entry.source)}\nurl: ${JSON.stringify(entry.url)}\n---\n## Highlights\n${entry.highlights.map((line) => `- ${line}`).join('\n')}\n\n${entry.body.join('\n\n')}`
                : `${entry.title}\nHighlights\n${entry.highlights.map((line) => `- ${line}`).join('\n')}\n${entry.body.join('\n')}`;
          return file(`b${index}.${entry.format}`, new TextEncoder().encode(content));
        });
        await buildAndCheck(files);
      }),
      { numRuns: 60 },
    );
  });
});
