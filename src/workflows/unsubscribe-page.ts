import { verifyUnsubscribeToken } from '../core/delivery/unsubscribe-token.js';
import { escapeHtml } from '../core/render/personalize.js';
import { sitePage } from '../site/page.js';
import { isOneClickBody } from './one-click.js';

/** A Function URL request, reduced to what the page needs. */
export interface PageRequest {
  method: string;
  path: string;
  query: Record<string, string | undefined>;
  body: string;
  /** The Content-Type header: RFC 8058 bodies come form-urlencoded or as multipart/form-data. */
  contentType?: string;
}

export interface PageResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface UnsubscribePorts {
  secret: () => Promise<string>;
  listId: string;
  newsletterName: string;
  /** Marks the address unsubscribed; a no-op for an address that is not on the list. */
  unsubscribe(email: string): Promise<void>;
  /** The archived HTML of an issue, or undefined. */
  archivedIssue(issueId: string): Promise<string | undefined>;
}

const SECURITY_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

/** Issue ids such as `2026-W47`: never `.` or `..`. */
const ISSUE_ID = /^\w[\w.-]{0,63}$/;
/** Longer than any page's path (`/view/` and an issue id, even fully percent-encoded). */
const MAX_PATH = 256;

/**
 * The subscriber-facing endpoint:
 * - `GET /?t=TOKEN`: a small page with one button (the address is never shown, so a leaked link
 *   tells nothing about who is on the list); a GET never changes anything, so link scanners and
 *   prefetchers cannot unsubscribe anyone;
 * - `POST /?t=TOKEN` with the body `List-Unsubscribe=One-Click`: unsubscribes at once (RFC 8058).
 *   The page's button posts the same field; a POST without it is refused and changes nothing;
 * - `GET /view/<issueId>`: the archived issue, for the view-in-browser link.
 * An invalid or tampered token gets a friendly page and a malformed path a 404, never an error trace.
 */
export async function handlePage(request: PageRequest, ports: UnsubscribePorts): Promise<PageResponse> {
  const notFound = () => page(404, 'Not found', '<p>There is nothing here.</p>', ports);
  if (request.path.length > MAX_PATH) return notFound();
  const view = /^\/view\/([^/]+)\/?$/.exec(request.path);
  if (view) {
    const issueId = decodedSegment(view[1] ?? '');
    const html =
      issueId !== undefined && ISSUE_ID.test(issueId) && request.method === 'GET'
        ? await ports.archivedIssue(issueId)
        : undefined;
    if (!html)
      return page(404, 'Issue not found', '<p>This issue is not in the archive (any more).</p>', ports);
    return {
      status: 200,
      headers: {
        ...SECURITY_HEADERS,
        'content-security-policy':
          "default-src 'none'; img-src https: data:; style-src 'unsafe-inline'; frame-ancestors 'none'",
        'cache-control': 'public, max-age=3600',
      },
      body: html,
    };
  }
  if (request.path !== '/' && request.path !== '/unsubscribe') return notFound();

  const claim = verifyUnsubscribeToken(request.query.t ?? '', await ports.secret());
  if (!claim || claim.list !== ports.listId) {
    return page(
      400,
      'This link does not work',
      '<p>The unsubscribe link is incomplete or has expired. Please use the link from the bottom of your most recent email, or simply reply to it and ask us to remove you.</p>',
      ports,
    );
  }
  if (request.method === 'POST') {
    if (!isOneClickBody(request.body, request.contentType))
      return page(
        400,
        'Nothing was changed',
        '<p>This request did not ask to unsubscribe. Open the link from your email and use the button there.</p>',
        ports,
      );
    await ports.unsubscribe(claim.address);
    return page(
      200,
      'You are unsubscribed',
      `<p>You will not receive ${escapeHtml(ports.newsletterName)} any more. Sorry to see you go.</p>`,
      ports,
    );
  }
  if (request.method !== 'GET') return page(405, 'Not allowed', '<p>Use the button in the page.</p>', ports);
  const action = `?t=${encodeURIComponent(request.query.t ?? '')}`;
  return page(
    200,
    `Unsubscribe from ${ports.newsletterName}?`,
    `<p>You will stop receiving ${escapeHtml(ports.newsletterName)}. You can subscribe again at any time.</p>
<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
    ports,
  );
}

/** A path segment with its percent-escapes undone, or undefined when they are malformed (`%`, `%E0%A4%A`). */
function decodedSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function page(
  status: number,
  title: string,
  content: string,
  ports: Pick<UnsubscribePorts, 'newsletterName'>,
): PageResponse {
  const body = sitePage({ title, newsletterName: ports.newsletterName, content });
  return { status, headers: SECURITY_HEADERS, body };
}
