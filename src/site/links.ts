/** Where the site serves the archive and the feed, below its base URL. */
export const ARCHIVE_PATH = '/archive/';
export const FEED_PATH = '/feed.xml';

/**
 * The site's base URL without its trailing slashes, so paths can follow it:
 * `https://news.example.com/` and `https://news.example.com` give the same links.
 */
export function siteBase(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}

/** An issue's page: `<base>/archive/<issueId>`. */
export function issueUrl(baseUrl: string, issueId: string): string {
  return `${siteBase(baseUrl)}${ARCHIVE_PATH}${encodeURIComponent(issueId)}`;
}
