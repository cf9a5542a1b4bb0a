import type { ArchivedIssue } from '../core/delivery/archive.js';
import { FEED_PATH, issueUrl, siteBase } from './links.js';
import { markupText } from './markup.js';
import { sitePage } from './page.js';

export interface ArchivePageOptions {
  newsletterName: string;
  /** The site's base URL (`https://news.example.com`): issue links and the feed link start with it. */
  baseUrl: string;
  /** The time zone in which publication dates are shown (default: UTC). */
  timeZone?: string;
}

/** Wider than the other pages' card, for a list; edge to edge on a phone. */
const STYLE = `
main{max-width:640px;margin:6vh auto}
a{color:#4338ca}
ol{list-style:none;margin:0;padding:0}
li{border-top:1px solid #e5e7eb;padding:18px 0}
time{font-size:13px;color:#6b7280}
h2{font-size:18px;line-height:1.35;margin:4px 0 6px;overflow-wrap:anywhere}
li p{margin:0;color:#4b5563;overflow-wrap:anywhere}
@media (max-width:540px){main{margin:0;border-radius:0;box-shadow:none;padding:28px 20px}}`;

/**
 * The archive's listing page (`/archive/`): every issue, newest first, each with its date, its
 * subject linking to the issue (`/archive/<issueId>`) and its preheader; and a link to the feed.
 * Everything from the index is escaped. No scripts: it works under
 * `default-src 'none'; style-src 'unsafe-inline'`.
 *
 * @example
 * archivePage(await archive.issues(), { newsletterName: 'Metals Weekly', baseUrl: 'https://news.example.com' })
 */
export function archivePage(issues: readonly ArchivedIssue[], options: ArchivePageOptions): string {
  const feedUrl = markupText(`${siteBase(options.baseUrl)}${FEED_PATH}`);
  const date = new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: options.timeZone ?? 'UTC',
  });
  const list =
    issues.length === 0
      ? '<p>No issues yet. The first one will be listed here as soon as it goes out.</p>'
      : `<ol>\n${issues.map((issue) => listItem(issue, options.baseUrl, date)).join('\n')}\n</ol>`;
  return sitePage({
    title: 'Archive',
    documentTitle: `Archive · ${options.newsletterName}`,
    newsletterName: options.newsletterName,
    head: `\n<link rel="alternate" type="application/atom+xml" title="${markupText(options.newsletterName)}" href="${feedUrl}">`,
    style: STYLE,
    content: `<p>Every issue of ${markupText(options.newsletterName)}, newest first. Follow new issues in a feed reader: <a href="${feedUrl}">Atom feed</a>.</p>
${list}`,
  });
}

function listItem(issue: ArchivedIssue, baseUrl: string, date: Intl.DateTimeFormat): string {
  const published = new Date(issue.publishedAt);
  return `<li><article><time datetime="${markupText(published.toISOString())}">${markupText(date.format(published))}</time>
<h2><a href="${markupText(issueUrl(baseUrl, issue.issueId))}">${markupText(issue.subject)}</a></h2>
<p>${markupText(issue.preheader)}</p></article></li>`;
}
