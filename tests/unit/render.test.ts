import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolvePeriod } from '../../src/core/digest/period.js';
import { summarize } from '../../src/core/digest/summarize.js';
import { TemplateError } from '../../src/core/errors.js';
import {
  compileTemplates,
  personalize,
  renderDigest,
  renderWithCollapsed,
  type TemplateFile,
} from '../../src/core/render/render.js';
import type { Briefing } from '../../src/core/types.js';
import { activeContent } from '../helpers/html.js';
import { bundledTemplateFiles } from '../helpers/templates.js';

const bundled: TemplateFile[] = bundledTemplateFiles();
const replaced = (name: string, edit: (source: string) => string) =>
  bundled.map((file) => (file.name === name ? { ...file, source: edit(file.source) } : file));

const publication = { newsletterName: 'Metals Weekly', postalAddress: '1 Quay Street, Harbour Town' };
const period = resolvePeriod(
  { kind: 'week', week: '2026-W47' },
  { now: new Date(), timeZone: 'UTC', dates: [] },
);

function digestOf(count: number, highlight = 'Copper rose **3%** on supply worries.') {
  const briefings: Briefing[] = Array.from({ length: count }, (_, index) => ({
    id: `id${index}`,
    file: `f${index}.txt`,
    format: 'text',
    title: `Story ${index} <b>bold</b>`,
    date: new Date('2026-11-18T00:00:00Z'),
    dateOrigin: 'file name',
    titleOrigin: 'metadata',
    repairs: [],
    source: 'Desk & Co',
    url: `https://example.com/${index}`,
    tags: [],
    highlights: [highlight, highlight, highlight],
    paragraphs: [],
  }));
  return summarize({ briefings, skipped: [], period, newsletterName: 'Metals Weekly' });
}

describe('renderDigest', () => {
  it('renders HTML and text with one MJML run, escaping briefing text', async () => {
    const rendered = await renderDigest(digestOf(2), compileTemplates(bundled), publication);
    expect(rendered.mjmlRenders).toBe(1);
    expect(rendered.html).toContain('Story 0 &lt;b&gt;bold&lt;/b&gt;');
    expect(rendered.html).toContain('<strong>3%</strong>');
    expect(rendered.html).toContain('1 Quay Street, Harbour Town');
    expect(rendered.text).toContain('* Copper rose 3% on supply worries.');
    expect(rendered.placeholders.unsubscribeUrl).toMatch(/^%%UNSUBSCRIBE_URL_[0-9A-F]{24}%%$/);
    expect(rendered.html).toContain(rendered.placeholders.unsubscribeUrl);
  });

  it('cuts the last items to title-only links when the HTML would pass the clip limit', async () => {
    const digest = digestOf(60, `${'Nickel, cobalt and manganese prices moved again this week. '.repeat(4)}`);
    const rendered = await renderDigest(digest, compileTemplates(bundled), publication);
    expect(Buffer.byteLength(rendered.html)).toBeLessThanOrEqual(100 * 1024);
    expect(rendered.collapsedItems.length).toBeGreaterThan(0);
    expect(rendered.collapsedItems.at(-1)).toBe('id59');
    expect(rendered.mjmlRenders).toBeLessThanOrEqual(3);
    expect(rendered.html).toContain('More this week');
    expect(rendered.html).toContain('href="https://example.com/59"');
  });

  it('shows as many items in full as fit, however long each one is', async () => {
    const templates = compileTemplates(bundled);
    // Items of uneven length, so no single item's size stands for the rest.
    const lengths = fc.sample(fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 30, maxLength: 70 }), {
      numRuns: 3,
      seed: 12,
    });
    for (const repeats of lengths) {
      const digest = digestOf(repeats.length);
      digest.items.forEach((item, index) => {
        item.highlights = [`Tin and zinc were traded in new ways this week. `.repeat(repeats[index] ?? 1)];
      });
      const rendered = await renderDigest(digest, templates, publication);
      const collapsed = rendered.collapsedItems.length;
      expect(Buffer.byteLength(rendered.html)).toBeLessThanOrEqual(100 * 1024);
      expect(rendered.mjmlRenders).toBeLessThanOrEqual(5);
      if (collapsed > 0) {
        // One more item in full would not fit (or only just, within the 2% the guard keeps back).
        const oneMore = await renderWithCollapsed(digest, templates, publication, collapsed - 1);
        expect(Buffer.byteLength(oneMore.html)).toBeGreaterThan(100 * 1024 * 0.98);
      }
    }
  });

  it('also fits templates that have no item partial to weigh items with', async () => {
    const renamed = bundled.map((file) =>
      file.name === 'partials/item.hbs'
        ? { ...file, name: 'partials/story.hbs' }
        : file.name === 'digest.mjml.hbs'
          ? { ...file, source: file.source.replace('{{> item}}', '{{> story}}') }
          : file,
    );
    const digest = digestOf(60, `${'Nickel, cobalt and manganese prices moved again this week. '.repeat(4)}`);
    const rendered = await renderDigest(digest, compileTemplates(renamed), publication);
    expect(Buffer.byteLength(rendered.html)).toBeLessThanOrEqual(100 * 1024);
    expect(rendered.collapsedItems.length).toBeGreaterThan(0);
  });

  it("fills one recipient's links into the finished HTML and text, escaped for HTML", async () => {
    const rendered = await renderDigest(digestOf(1), compileTemplates(bundled), publication);
    const mine = personalize(rendered, {
      unsubscribeUrl: 'https://example.com/u?t=a&b',
      viewInBrowserUrl: 'https://example.com/v',
    });
    expect(mine.html).toContain('href="https://example.com/u?t=a&amp;b"');
    expect(mine.text).toContain('Unsubscribe: https://example.com/u?t=a&b');
    expect(mine.html).not.toContain('%%');
  });
});

describe('rendering hostile text', () => {
  const hostile = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc
      .array(
        fc.constantFrom(
          '<script>',
          '</script>',
          '<iframe src=x>',
          '" onerror="alert(1)',
          "'",
          '<img src=x onerror=y>',
          'javascript:',
          '[a](javascript:b)',
          '**',
          '{{',
          '}}',
          '&lt;',
          '<!--',
          '-->',
          'x',
        ),
        { maxLength: 8 },
      )
      .map((parts) => parts.join(' ')),
  );

  it('never turns briefing text into markup, whatever it is', async () => {
    const templates = compileTemplates(bundled);
    await fc.assert(
      fc.asyncProperty(hostile, hostile, hostile, async (title, highlight, source) => {
        const digest = summarize({
          briefings: [
            {
              id: 'h',
              file: 'h.txt',
              format: 'text',
              title: title || 'T',
              date: new Date('2026-11-18T00:00:00Z'),
              dateOrigin: 'file name',
              titleOrigin: 'metadata',
              repairs: [],
              source,
              tags: [],
              highlights: [highlight || 'h'],
              paragraphs: [],
            },
          ],
          skipped: [],
          period,
          newsletterName: 'Metals Weekly',
        });
        const { html } = await renderDigest(digest, templates, publication);
        expect(activeContent(html)).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});

describe('the intro and the "Also reported by" line', () => {
  const hostileSources = [
    { file: 'a.md', source: '<img src=x onerror=alert(1)> & Co', url: 'https://a.example/?q=<b>&x="1"' },
    { file: 'b.md', source: 'Plain Wire', url: 'javascript:alert(1)' },
    { file: 'c.md', url: 'http://c.example/story' },
    { file: 'folder/d.md' },
    { file: 'e.md', source: 'Desk & Co' },
  ];
  const digestWith = (intro: string) => {
    const digest = digestOf(1);
    const [item] = digest.items;
    if (item) item.alsoReportedBy = hostileSources;
    return { ...digest, intro };
  };

  it('escapes every name and link, links only http and https, and renders the intro as safe Markdown', async () => {
    const rendered = await renderDigest(
      digestWith('**Hello** <script>alert(1)</script>\n\n[click](javascript:alert(1)) {{subject}}'),
      compileTemplates(bundled),
      publication,
    );
    expect(activeContent(rendered.html)).toEqual([]);
    expect(rendered.html).toContain('<strong>Hello</strong> &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(rendered.html).toContain('click {{subject}}');
    expect(rendered.html).toContain(
      'Also reported by: <a href="https://a.example/?q&#x3D;&lt;b&gt;&amp;x&#x3D;&quot;1&quot;" style="color:#4b5563;text-decoration:underline;">&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt; &amp; Co</a>, Plain Wire, <a href="http://c.example/story" style="color:#4b5563;text-decoration:underline;">c.example</a></div>',
    );
    expect(rendered.text).toContain('Hello <script>alert(1)</script>\n\nclick {{subject}}');
    expect(rendered.text).toContain(
      'Also reported by: <img src=x onerror=alert(1)> & Co (https://a.example/?q=<b>&x="1"), Plain Wire, c.example (http://c.example/story)\n',
    );
    // d.md has neither a source nor a link: a file name means nothing to a reader.
    expect(rendered.text).not.toContain('d.md');
    expect(rendered.html).not.toContain('d.md');
  });

  it('leaves out a source the item names itself', async () => {
    const rendered = await renderDigest(digestWith(''), compileTemplates(bundled), publication);
    // The item's own source is "Desk & Co": e.md says it again and is not repeated.
    expect(rendered.text).not.toMatch(/Also reported by: .*Desk & Co/);
  });

  it('keeps the bundled templates valid MJML and under the clip limit with both on every item', async () => {
    const digest = digestOf(60, `${'Nickel, cobalt and manganese prices moved again this week. '.repeat(4)}`);
    for (const item of digest.items) item.alsoReportedBy = hostileSources;
    const rendered = await renderDigest(
      { ...digest, intro: 'A long week. '.repeat(90) },
      compileTemplates(bundled),
      publication,
    );
    expect(rendered.warnings).toEqual([]);
    expect(Buffer.byteLength(rendered.html)).toBeLessThanOrEqual(100 * 1024);
    expect(rendered.collapsedItems.length).toBeGreaterThan(0);
  });
});

describe('maxItems', () => {
  it('shows the first maxItems items in full and the rest as title links, before any clip cut', async () => {
    const rendered = await renderDigest(
      { ...digestOf(8), maxItems: 5 },
      compileTemplates(bundled),
      publication,
    );
    expect(rendered.beyondMaxItems).toEqual(['id5', 'id6', 'id7']);
    expect(rendered.collapsedItems).toEqual([]);
    expect(rendered.mjmlRenders).toBe(1);
    expect(rendered.html).toContain('More this week');
    expect(rendered.html.match(/Read the full briefing/g)).toHaveLength(5);
  });

  it('still cuts more when the first maxItems would pass the clip limit', async () => {
    const digest = digestOf(60, `${'Nickel, cobalt and manganese prices moved again this week. '.repeat(4)}`);
    const rendered = await renderDigest({ ...digest, maxItems: 50 }, compileTemplates(bundled), publication);
    expect(rendered.beyondMaxItems).toHaveLength(10);
    expect(rendered.collapsedItems.length).toBeGreaterThan(0);
    expect(rendered.collapsedItems.at(-1)).toBe('id49');
    expect(Buffer.byteLength(rendered.html)).toBeLessThanOrEqual(100 * 1024);
  });
});

describe('template errors', () => {
  it('names the file and line of a Handlebars syntax error', () => {
    const files = replaced('partials/item.hbs', (source) => `${source}\n{{/each}}\n`);
    expect(() => compileTemplates(files)).toThrow(TemplateError);
    expect(() => compileTemplates(files)).toThrow(/templates\/partials\/item\.hbs:\d+: /);
  });

  it('names the line where a block that is never closed was opened', () => {
    const files = replaced('partials/item.hbs', (source) => `{{#if url}}\n${source}`);
    expect(() => compileTemplates(files)).toThrow(
      /templates\/partials\/item\.hbs:1: \{\{#if\}\} opened here is never closed: add \{\{\/if\}\}/,
    );
  });

  it('warns about a partial no template uses, naming the one it was probably meant to replace', () => {
    const files = [
      ...bundled,
      { name: 'partials/items.hbs', path: 'my-templates/partials/items.hbs', source: '<mj-text>x</mj-text>' },
    ];
    expect(compileTemplates(files).warnings).toEqual([
      'my-templates/partials/items.hbs is not used by any template: did you mean partials/item.hbs?',
    ]);
    expect(compileTemplates(bundled).warnings).toEqual([]);
  });

  it('names the file and line of a misspelt field', async () => {
    const files = replaced('partials/footer.hbs', (source) =>
      source.replace('{{postalAddress}}', '{{postalAdress}}'),
    );
    const line = files
      .find((file) => file.name === 'partials/footer.hbs')
      ?.source.split('\n')
      .findIndex((text) => text.includes('postalAdress'));
    await expect(renderDigest(digestOf(1), compileTemplates(files), publication)).rejects.toThrow(
      `templates/partials/footer.hbs:${(line ?? 0) + 1}: "postalAdress" is not a field templates can use`,
    );
  });

  it('names the file and line of an MJML validation error', async () => {
    const files = replaced('partials/glance.hbs', (source) =>
      source.replace('<mj-text font-size="15px"', '<mj-text colour="red" font-size="15px"'),
    );
    const line = files
      .find((file) => file.name === 'partials/glance.hbs')
      ?.source.split('\n')
      .findIndex((text) => text.includes('colour='));
    await expect(renderDigest(digestOf(1), compileTemplates(files), publication)).rejects.toThrow(
      new RegExp(`^templates/partials/glance\\.hbs:${(line ?? 0) + 1}: MJML: Attribute colour is illegal`),
    );
  });

  it('says which template is missing', () => {
    expect(() => compileTemplates(bundled.filter((file) => file.name !== 'digest.txt.hbs'))).toThrow(
      'digest.txt.hbs: template is missing',
    );
  });
});
