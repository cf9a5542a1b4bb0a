import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { unsubscribeLink } from '../../src/core/delivery/compose.js';
import { createMessageFactory } from '../../src/core/delivery/message-template.js';
import { verifyUnsubscribeToken } from '../../src/core/delivery/unsubscribe-token.js';
import { resolvePeriod } from '../../src/core/digest/period.js';
import { summarize } from '../../src/core/digest/summarize.js';
import { compileTemplates, personalize, renderDigest } from '../../src/core/render/render.js';
import type { Briefing } from '../../src/core/types.js';
import { IDENTITY, SECRET } from '../helpers/sending.js';
import { bundledTemplateFiles } from '../helpers/templates.js';

const templates = compileTemplates(bundledTemplateFiles());
const publication = { newsletterName: 'Metals Weekly', postalAddress: '1 Quay Street, Harbour Town' };
const period = resolvePeriod(
  { kind: 'week', week: '2026-W47' },
  { now: new Date(), timeZone: 'UTC', dates: [] },
);

function digestWith(text: { title: string; highlight: string; url: string; source: string }) {
  const briefing: Briefing = {
    id: 'b',
    file: 'b.txt',
    format: 'text',
    title: text.title || 'T',
    titleOrigin: 'metadata',
    date: new Date('2026-11-18T00:00:00Z'),
    dateOrigin: 'file name',
    source: text.source,
    url: text.url,
    tags: [],
    highlights: [text.highlight || 'h'],
    paragraphs: [],
    repairs: [],
  };
  return summarize({ briefings: [briefing], skipped: [], period, newsletterName: 'Metals Weekly' });
}

const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;
// Text a briefing might carry to reach a reader's link: the old fixed placeholders, look-alikes
// with nonces, and replacement patterns.
const placeholderish = fc.oneof(
  fc.constantFrom('%%UNSUBSCRIBE_URL%%', '%%VIEW_IN_BROWSER_URL%%', "$&$'$`$$", '%%UNSUBSCRIBE_URL_'),
  fc
    .string({ unit: fc.constantFrom(...'0123456789ABCDEF'), minLength: 24, maxLength: 24 })
    .map((hex) => `%%UNSUBSCRIBE_URL_${hex}%%`),
  fc.string(),
);
const briefingText = fc.array(placeholderish, { maxLength: 4 }).map((parts) => parts.join(' '));

describe('per-recipient placeholders', () => {
  it('are made afresh for every render', async () => {
    const digest = digestWith({ title: 'T', highlight: 'h', url: 'https://example.com/a', source: 'S' });
    const [first, second] = await Promise.all([
      renderDigest(digest, templates, publication),
      renderDigest(digest, templates, publication),
    ]);
    expect(first.placeholders.unsubscribeUrl).not.toBe(second.placeholders.unsubscribeUrl);
  });

  it('can never be produced by text from a briefing', async () => {
    const reference = await renderDigest(
      digestWith({ title: 'T', highlight: 'h', url: 'https://example.com/a', source: 'S' }),
      templates,
      publication,
    );
    const expected = {
      html: count(reference.html, reference.placeholders.unsubscribeUrl),
      text: count(reference.text, reference.placeholders.unsubscribeUrl),
    };
    await fc.assert(
      fc.asyncProperty(
        briefingText,
        briefingText,
        briefingText,
        briefingText,
        async (title, highlight, path, source) => {
          const rendered = await renderDigest(
            digestWith({ title, highlight, url: `https://evil.example/${encodeURI(path)}`, source }),
            templates,
            publication,
          );
          const reader = 'https://metals.example/unsubscribe?t=READER-TOKEN';
          const filled = personalize(rendered, {
            unsubscribeUrl: reader,
            viewInBrowserUrl: 'https://metals.example/v',
          });
          expect(count(filled.html, reader.replaceAll('&', '&amp;'))).toBe(expected.html);
          expect(count(filled.text, reader)).toBe(expected.text);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('leave a briefing link that spells the old placeholder alone, and send each reader only their own link', async () => {
    const rendered = await renderDigest(
      digestWith({
        title: 'Exports rise',
        highlight: 'Read the %%UNSUBSCRIBE_URL%% report',
        url: 'https://evil.example/collect?next=%%UNSUBSCRIBE_URL%%',
        source: 'S',
      }),
      templates,
      publication,
    );
    const factory = await createMessageFactory(
      {
        issueId: '2026-W47',
        subject: 'Week 47',
        template: { html: rendered.html, text: rendered.text, placeholders: rendered.placeholders },
        viewInBrowserUrl: "https://metals.example/archive/$&/$'/digest.html",
      },
      { identity: IDENTITY, unsubscribeSecret: SECRET },
    );
    const mail = await simpleParser((await factory('ana@example.org')).raw);
    const html = String(mail.html);
    // Handlebars writes `=` as `&#x3D;` in attributes; the link is otherwise as the briefing gave it.
    expect(html).toContain('https://evil.example/collect?next&#x3D;%%UNSUBSCRIBE_URL%%');
    expect(html).toContain('https://metals.example/archive/$&amp;/$&apos;/digest.html');
    const links = [...html.matchAll(/https:\/\/metals\.example\/unsubscribe\?t=([^"&]+)/g)];
    expect(links.length).toBeGreaterThan(0);
    for (const [, token] of links)
      expect(verifyUnsubscribeToken(decodeURIComponent(token ?? ''), SECRET)?.address).toBe(
        'ana@example.org',
      );
    expect(html).not.toContain(unsubscribeLink(IDENTITY, 'x').replace('?t=x', '?t=%%'));
  });
});
