import fc from 'fast-check';
import { parseDocument } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import type { ArchivedIssue, IssueArchive } from '../../src/core/delivery/archive.js';
import { archivePage } from '../../src/site/archive-page.js';
import { archiveFeed, atomFeed, FEED_ISSUES, type FeedEntry } from '../../src/site/feed.js';
import { activeContent } from '../helpers/html.js';
import { childrenNamed, childText, parseXml, type XmlElement } from '../helpers/xml.js';

const SITE = { siteUrl: 'https://news.example.com/', title: 'Metals Weekly' };
const ATOM = 'http://www.w3.org/2005/Atom';

/** Weekly issues, newest first, published on Mondays from 23 November 2026 backwards. */
function weeklyIssues(count: number): ArchivedIssue[] {
  return Array.from({ length: count }, (_, index) => ({
    issueId: `2026-W${47 - index}`,
    subject: `Week ${47 - index}: copper, tin and zinc`,
    preheader: `What moved metals in week ${47 - index}`,
    publishedAt: new Date(Date.UTC(2026, 10, 23 - 7 * index, 8)).toISOString(),
  }));
}
const withHtml = (issues: ArchivedIssue[]): FeedEntry[] =>
  issues.map((issue) => ({
    ...issue,
    html: `<!doctype html><html><body><h1>${issue.subject}</h1></body></html>`,
  }));

const links = (element: XmlElement) =>
  Object.fromEntries(childrenNamed(element, 'link').map((link) => [link.attributes.rel, link.attributes]));

describe('the Atom feed', () => {
  it('has what RFC 4287 requires of a feed, and its links', () => {
    const feed = parseXml(atomFeed(withHtml(weeklyIssues(3)), SITE));

    expect(feed.name).toBe('feed');
    expect(feed.attributes.xmlns).toBe(ATOM);
    expect(childText(feed, 'id')).toBe('https://news.example.com/feed.xml');
    expect(childText(feed, 'title')).toBe('Metals Weekly');
    expect(childText(feed, 'updated')).toBe('2026-11-23T08:00:00.000Z');
    expect(childText(childrenNamed(feed, 'author')[0] as XmlElement, 'name')).toBe('Metals Weekly');
    expect(links(feed)).toEqual({
      self: { rel: 'self', type: 'application/atom+xml', href: 'https://news.example.com/feed.xml' },
      alternate: { rel: 'alternate', type: 'text/html', href: 'https://news.example.com/archive/' },
    });
  });

  it('gives each issue an entry with a stable id, its dates, link, summary and the archived HTML', () => {
    const entries = withHtml(weeklyIssues(2));

    const feed = parseXml(atomFeed(entries, SITE));

    const [first] = childrenNamed(feed, 'entry');
    expect(first).toBeDefined();
    const entry = first as XmlElement;
    expect(childText(entry, 'id')).toBe('tag:news.example.com,2026-11-23:2026-W47');
    expect(childText(entry, 'title')).toBe('Week 47: copper, tin and zinc');
    expect(childText(entry, 'updated')).toBe('2026-11-23T08:00:00.000Z');
    expect(childText(entry, 'published')).toBe('2026-11-23T08:00:00.000Z');
    expect(links(entry).alternate).toEqual({
      rel: 'alternate',
      type: 'text/html',
      href: 'https://news.example.com/archive/2026-W47',
    });
    expect(childText(entry, 'summary')).toBe('What moved metals in week 47');
    const content = childrenNamed(entry, 'content')[0];
    expect(content?.attributes.type).toBe('html');
    expect(content?.text).toBe(entries[0]?.html);
    // The same issue keeps its id in every later feed, wherever it stands in it.
    const later = parseXml(atomFeed(withHtml(weeklyIssues(1)).concat(entries), SITE));
    expect(childrenNamed(later, 'entry').map((element) => childText(element, 'id'))).toContain(
      'tag:news.example.com,2026-11-23:2026-W47',
    );
  });

  it(`lists the newest ${FEED_ISSUES} issues only, and reads only their HTML`, async () => {
    const issues = weeklyIssues(30);
    const read: string[] = [];
    const archive: IssueArchive = {
      issues: async () => issues,
      html: async (issueId) => {
        read.push(issueId);
        return `<p>${issueId}</p>`;
      },
    };

    const feed = parseXml(await archiveFeed(archive, SITE));

    const ids = childrenNamed(feed, 'entry').map((entry) => childText(entry, 'id'));
    expect(ids).toHaveLength(FEED_ISSUES);
    expect(ids[0]).toBe('tag:news.example.com,2026-11-23:2026-W47');
    expect(read.sort()).toEqual(
      issues
        .slice(0, FEED_ISSUES)
        .map((issue) => issue.issueId)
        .sort(),
    );
  });

  it('is a valid feed with no entries when nothing is archived yet', () => {
    const feed = parseXml(atomFeed([], SITE));

    expect(childrenNamed(feed, 'entry')).toEqual([]);
    expect(childText(feed, 'updated')).toBe('1970-01-01T00:00:00.000Z');
  });

  it('keeps an entry whose HTML is missing, with its link and no content', () => {
    const [issue] = weeklyIssues(1);

    const entry = childrenNamed(
      parseXml(atomFeed([{ ...(issue as ArchivedIssue), html: undefined }], SITE)),
      'entry',
    )[0];

    expect(entry && childrenNamed(entry, 'content')).toEqual([]);
    expect(entry && links(entry).alternate?.href).toBe('https://news.example.com/archive/2026-W47');
  });
});

describe('the archive page', () => {
  const page = archivePage(weeklyIssues(3), {
    newsletterName: 'Metals Weekly',
    baseUrl: 'https://news.example.com',
  });

  it('lists every issue newest first: date, subject linking to the issue, preheader', () => {
    const items = [...page.matchAll(/<li>([\s\S]*?)<\/li>/g)].map(([, item]) => item);

    expect(items).toHaveLength(3);
    expect(items[0]).toContain('<time datetime="2026-11-23T08:00:00.000Z">23 November 2026</time>');
    expect(items[0]).toContain(
      '<h2><a href="https://news.example.com/archive/2026-W47">Week 47: copper, tin and zinc</a></h2>',
    );
    expect(items[0]).toContain('<p>What moved metals in week 47</p>');
    expect(items[2]).toContain('/archive/2026-W45');
  });

  it('is an accessible page for a phone, in the list’s look, with nothing active', () => {
    expect(page).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(page).toContain('<title>Archive · Metals Weekly</title>');
    expect(page).toMatch(/<main>[\s\S]*<h1>Archive<\/h1>[\s\S]*<h2>[\s\S]*<\/main>/);
    expect(page).toContain('@media (max-width:540px)');
    expect(page).toContain('#4338ca');
    expect(page).toContain(
      '<link rel="alternate" type="application/atom+xml" title="Metals Weekly" href="https://news.example.com/feed.xml">',
    );
    expect(activeContent(page)).toEqual([]);
    // Nothing to fetch, so `default-src 'none'; style-src 'unsafe-inline'` allows all of it.
    expect(page).not.toMatch(/<script|<img|<iframe|@import|url\(|\ssrc=/i);
  });

  it('says so when nothing is archived yet', () => {
    const empty = archivePage([], { newsletterName: 'Metals Weekly', baseUrl: 'https://news.example.com/' });

    expect(empty).toContain('No issues yet.');
    expect(empty).not.toContain('<ol>');
  });

  it('shows dates in the time zone it is given', () => {
    const [issue] = weeklyIssues(1);
    const late = { ...(issue as ArchivedIssue), publishedAt: '2026-11-22T23:30:00.000Z' };

    expect(
      archivePage([late], { newsletterName: 'M', baseUrl: 'https://x.example', timeZone: 'Europe/Berlin' }),
    ).toContain('>23 November 2026</time>');
  });
});

/** Text as a briefing may leave it: markup, entities, CDATA ends, controls, noncharacters, lone surrogates. */
const hostileText = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '<script>alert(1)</script>',
        '&',
        '&amp;',
        ']]>',
        '<![CDATA[',
        '"',
        "'",
        '<',
        '>',
        '\uFFFE',
        '\uFFFF',
        '\uD800',
        '\uDC00',
        '\u0085',
        '😀',
        'Zürich',
      ),
      fc.integer({ min: 0, max: 0x1f }).map((code) => String.fromCharCode(code)),
      fc.string({ unit: 'binary', maxLength: 8 }),
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''));

/** What a reader may see of a text: no character that XML 1.0 disallows or discourages. */
const readable = (text: string) =>
  text.replace(/[^\t\n\r\u0020-\u007E\u00A0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '');

describe('hostile subjects and preheaders', () => {
  it('always make a well-formed feed that reads back as the text', () => {
    fc.assert(
      fc.property(hostileText, hostileText, hostileText, (subject, preheader, html) => {
        const [issue] = weeklyIssues(1);

        const feed = parseXml(atomFeed([{ ...(issue as ArchivedIssue), subject, preheader, html }], SITE));

        const entry = childrenNamed(feed, 'entry')[0] as XmlElement;
        expect(childText(entry, 'title')).toBe(readable(subject));
        expect(childText(entry, 'summary')).toBe(readable(preheader));
        expect(childText(entry, 'content')).toBe(readable(html));
      }),
      { numRuns: 300 },
    );
  });

  it('always make an archive page with nothing active that shows the text', () => {
    fc.assert(
      fc.property(hostileText, hostileText, hostileText, (subject, preheader, newsletterName) => {
        const [issue] = weeklyIssues(1);

        const page = archivePage([{ ...(issue as ArchivedIssue), subject, preheader }], {
          newsletterName,
          baseUrl: 'https://news.example.com',
        });

        expect(activeContent(page)).toEqual([]);
        const document = parseDocument(page, { decodeEntities: true });
        const text = (tag: string) => textOf(document, tag);
        expect(text('h2')).toEqual([readable(subject)]);
        expect(text('title')).toEqual([`Archive · ${readable(newsletterName)}`]);
        expect(page).not.toMatch(/<\/?script/i);
      }),
      { numRuns: 300 },
    );
  });
});

type Node = { type: string; name?: string; data?: string; children?: Node[] };
/** The text of every element named `tag`, as a browser's parser reads it. */
function textOf(root: Node, tag: string): string[] {
  const found: string[] = [];
  const text = (node: Node): string =>
    node.type === 'text' ? (node.data ?? '') : (node.children ?? []).map(text).join('');
  const walk = (node: Node) => {
    if (node.name === tag) found.push(text(node));
    for (const child of node.children ?? []) walk(child);
  };
  walk(root);
  return found;
}
