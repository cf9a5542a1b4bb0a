import type { ArchivedIssue, IssueArchive } from '../core/delivery/archive.js';
import { ARCHIVE_PATH, FEED_PATH, issueUrl, siteBase } from './links.js';
import { markupText } from './markup.js';

/** A feed lists the newest issues only: readers keep what they have already fetched. */
export const FEED_ISSUES = 20;

export interface FeedOptions {
  /** The site's base URL (`https://news.example.com`): the feed is at `<siteUrl>/feed.xml`. */
  siteUrl: string;
  /** The feed's title: the newsletter's name. */
  title: string;
  /** Who writes it (default: the title). */
  author?: string;
  subtitle?: string;
}

/** An issue as the feed carries it: its index entry and its archived HTML (undefined when missing). */
export interface FeedEntry extends ArchivedIssue {
  html: string | undefined;
}

/**
 * The Atom 1.0 feed (RFC 4287) of the newest `FEED_ISSUES` entries: the feed's id (its own URL),
 * title, updated (the newest issue's date), self and alternate links and author; each entry's id
 * (a `tag:` URI made of the site's host, the day it was published and the issue id, so it never
 * changes), title, published and updated, alternate link, summary (the preheader) and content
 * (the archived HTML, escaped). Text is escaped and characters XML 1.0 does not allow are
 * removed, so the document is well-formed whatever a briefing held. Entries are expected newest
 * first, as `IssueArchive.issues()` gives them; only the first `FEED_ISSUES` are used.
 *
 * @example
 * atomFeed([{ ...issue, html }], { siteUrl: 'https://news.example.com', title: 'Metals Weekly' })
 */
export function atomFeed(entries: readonly FeedEntry[], options: FeedOptions): string {
  const base = siteBase(options.siteUrl);
  const host = new URL(base).hostname;
  const shown = entries.slice(0, FEED_ISSUES);
  // An empty archive has no date of its own: the epoch says "nothing yet" and stays valid Atom.
  const updated = shown[0] ? atomDate(shown[0].publishedAt) : new Date(0).toISOString();
  const feedUrl = `${base}${FEED_PATH}`;
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>${xmlText(feedUrl)}</id>`,
    `  <title>${xmlText(options.title)}</title>`,
    ...(options.subtitle ? [`  <subtitle>${xmlText(options.subtitle)}</subtitle>`] : []),
    `  <updated>${updated}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${xmlText(feedUrl)}"/>`,
    `  <link rel="alternate" type="text/html" href="${xmlText(`${base}${ARCHIVE_PATH}`)}"/>`,
    `  <author><name>${xmlText(options.author ?? options.title)}</name></author>`,
    ...shown.map((entry) => feedEntry(entry, base, host)),
    '</feed>',
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * The feed of an archive, reading the index once and the HTML of the newest `FEED_ISSUES`
 * issues only, whatever the archive's size.
 *
 * @example
 * const xml = await archiveFeed(folderArchive('archive'), { siteUrl: 'https://news.example.com', title: 'Metals Weekly' });
 */
export async function archiveFeed(archive: IssueArchive, options: FeedOptions): Promise<string> {
  const newest = (await archive.issues()).slice(0, FEED_ISSUES);
  const entries = await Promise.all(
    newest.map(async (issue) => ({ ...issue, html: await archive.html(issue.issueId) })),
  );
  return atomFeed(entries, options);
}

function feedEntry(entry: FeedEntry, base: string, host: string): string {
  const published = atomDate(entry.publishedAt);
  const lines = [
    '  <entry>',
    `    <id>${xmlText(`tag:${host},${published.slice(0, 10)}:${entry.issueId}`)}</id>`,
    `    <title>${xmlText(entry.subject)}</title>`,
    `    <published>${published}</published>`,
    `    <updated>${published}</updated>`,
    `    <link rel="alternate" type="text/html" href="${xmlText(issueUrl(base, entry.issueId))}"/>`,
    `    <summary>${xmlText(entry.preheader)}</summary>`,
    ...(entry.html === undefined ? [] : [`    <content type="html">${xmlText(entry.html)}</content>`]),
    '  </entry>',
  ];
  return lines.join('\n');
}

/**
 * Text as XML holds it exactly: escaped, and a carriage return as a reference, since a parser
 * turns a raw one into a line feed (an archived page written with CRLF keeps them).
 */
function xmlText(text: string): string {
  return markupText(text).replaceAll('\r', '&#13;');
}

/** RFC 3339, in UTC, whatever offset the index was written with. */
function atomDate(iso: string): string {
  return new Date(iso).toISOString();
}
