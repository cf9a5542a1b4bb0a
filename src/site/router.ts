import { type IssueArchive, isIssueId } from '../core/delivery/archive.js';
import { CONFIRMATION_DAYS } from '../core/delivery/subscriber.js';
import { verifyUnsubscribeToken } from '../core/delivery/unsubscribe-token.js';
import { escapeHtml } from '../core/render/personalize.js';
import {
  confirmationState,
  confirmSignUp,
  readConfirmLink,
  type SignUpPorts,
  signUp,
} from '../workflows/sign-up.js';
import { approveRequest, type SiteApprovals } from './approve-page.js';
import { archivePage } from './archive-page.js';
import { archiveFeed } from './feed.js';
import { fieldValue, formFields, isOneClickBody, MAX_BODY_BYTES } from './form.js';
import { ARCHIVE_PATH, FEED_PATH } from './links.js';
import { page, SECURITY_HEADERS, type SiteRequest, type SiteResponse } from './page.js';

/** What the site needs: the sign-up workflow's ports, and the list's other doors. */
export interface SitePorts extends SignUpPorts {
  newsletterName: string;
  /** The address people reach the site at (`https://news.example.com`): archive and feed links start with it. */
  siteUrl: string;
  /** The time zone the archive's dates are shown in. */
  timeZone?: string;
  /** Marks the address unsubscribed; a no-op for an address that is not on the list. */
  unsubscribe(email: string): Promise<void>;
  /** The issues that went out: the listing, the feed and each issue's page read it. */
  archive: IssueArchive;
  /** The approve links of draft copies (on AWS, when approval is on); without it `/approve` is a 404. */
  approvals?: SiteApprovals;
}

/** The listing and the feed change once a week: let browsers and feed readers keep them a while. */
const ARCHIVE_CACHE = 'public, max-age=300';
/** Longer than any page's path (`/archive/` and an issue id, even fully percent-encoded). */
const MAX_PATH = 256;

/**
 * The list's public site, one handler for the Function URL and `digest serve`:
 * - `GET /subscribe` (and `/` without a token): the sign-up form; `POST /subscribe` signs up
 *   (double opt-in, see `signUp`) and answers the same for every address;
 * - `GET /confirm?t=…`: a page with a Confirm button, changing nothing (mail scanners open links);
 *   `POST` confirms;
 * - `GET /unsubscribe?t=…` (and `/?t=…`, the links already sent): a page with one button;
 *   `POST` with `List-Unsubscribe=One-Click` unsubscribes (RFC 8058);
 * - `GET /archive/`: past issues, newest first; `GET /feed.xml`: an Atom feed of the last 20;
 * - `GET /archive/<issueId>` (and `/view/<issueId>`, the links already sent): an archived issue;
 * - `GET /approve?t=…` (a page with an Approve button) and `POST` (approves), `GET
 *   /approve/draft?t=…` (the draft): the approve link of a draft copy, when approval is on.
 * Bodies over `MAX_BODY_BYTES` get a 413; a malformed or unknown path a 404 page, never a trace.
 */
export async function handleSiteRequest(request: SiteRequest, ports: SitePorts): Promise<SiteResponse> {
  // HEAD is GET without the body (link checkers and feed readers ask it).
  const head = request.method === 'HEAD';
  try {
    const response = await route(head ? { ...request, method: 'GET' } : request, ports);
    return head ? { ...response, body: '' } : response;
  } catch (error) {
    // Whatever failed (a store out of reach, a full disk), the person gets a page, not a trace.
    ports.log('A request to the site failed', { path: request.path, error: (error as Error).message });
    return page(
      503,
      'Please try again shortly',
      '<p>Something went wrong on our side. Please try again in a few minutes.</p>',
      ports.newsletterName,
      { 'retry-after': '120' },
    );
  }
}

async function route(request: SiteRequest, ports: SitePorts): Promise<SiteResponse> {
  const notFound = () => page(404, 'Not found', '<p>There is nothing here.</p>', ports.newsletterName);
  if (request.path.length > MAX_PATH) return notFound();
  if (Buffer.byteLength(request.body) > MAX_BODY_BYTES)
    return page(413, 'Too much', '<p>That request was too large to read.</p>', ports.newsletterName);
  const issue = /^\/(?:view|archive)\/([^/]+)\/?$/.exec(request.path);
  if (issue) return archivedIssue(issue[1] ?? '', request, ports);
  const path = request.path.replace(/\/$/, '') || '/';
  if (path === ARCHIVE_PATH.replace(/\/$/, '') || path === FEED_PATH) {
    if (request.method !== 'GET') return notAllowed(ports, 'GET, HEAD');
    return path === FEED_PATH ? feed(ports) : archiveListing(ports);
  }
  if (path === '/subscribe' || (path === '/' && request.query.t === undefined && request.method === 'GET'))
    return subscribe(request, ports);
  if (path === '/confirm') return confirm(request, ports);
  if (path === '/approve' || path === '/approve/draft')
    return ports.approvals
      ? approveRequest(request, path === '/approve/draft', { ...ports, approvals: ports.approvals })
      : notFound();
  if (path === '/' || path === '/unsubscribe') return unsubscribe(request, ports);
  return notFound();
}

async function subscribe(request: SiteRequest, ports: SitePorts): Promise<SiteResponse> {
  if (request.method === 'GET') return subscribeForm(200, ports);
  if (request.method !== 'POST') return notAllowed(ports);
  const fields = formFields(request.body, request.contentType);
  const form = {
    email: fieldValue(fields, 'email') ?? '',
    name: fieldValue(fields, 'name') ?? '',
    website: fieldValue(fields, 'website') ?? '',
  };
  const answer = await signUp(form, request.sourceIp ?? 'unknown', ports);
  switch (answer.kind) {
    case 'accepted':
      return page(
        200,
        'Check your inbox',
        `<p>If this address can receive ${escapeHtml(ports.newsletterName)}, a message with a confirmation link is on its way. Open it within ${CONFIRMATION_DAYS} days to start receiving the newsletter.</p><p>Nothing arrived? Look in the spam folder, or sign up again in ten minutes.</p>`,
        ports.newsletterName,
      );
    case 'invalid-address':
      return subscribeForm(400, ports, {
        email: form.email,
        name: form.name,
        error: form.email.trim()
          ? 'That does not look like one email address (such as name@example.org). Please check it.'
          : 'Please enter your email address.',
      });
    case 'too-many-from-source':
      return page(
        429,
        'Too many sign-ups',
        '<p>There have been too many sign-ups from your network. Please try again in an hour.</p>',
        ports.newsletterName,
        { 'retry-after': '3600' },
      );
  }
}

function subscribeForm(
  status: number,
  ports: SitePorts,
  entered: { email?: string; name?: string; error?: string } = {},
): SiteResponse {
  const error = entered.error
    ? `<p class="error" id="email-error" role="alert">${escapeHtml(entered.error)}</p>`
    : '';
  const described = entered.error ? ' aria-describedby="email-error" aria-invalid="true"' : '';
  return page(
    status,
    `Subscribe to ${ports.newsletterName}`,
    `<p>One email a week with the highlights. We send a confirmation link first; you can leave with one click at any time.</p>${error}
<form method="post" action="/subscribe" novalidate>
<div class="field"><label for="email">Email address</label><input type="email" id="email" name="email" autocomplete="email" required value="${escapeHtml(entered.email ?? '')}"${described}></div>
<div class="field"><label for="name">Name <span class="hint">(optional)</span></label><input type="text" id="name" name="name" autocomplete="name" maxlength="100" value="${escapeHtml(entered.name ?? '')}"></div>
<div class="trap" aria-hidden="true"><label for="website">Leave this empty</label><input type="text" id="website" name="website" tabindex="-1" autocomplete="off"></div>
<button type="submit">Subscribe</button>
</form>
<nav><a href="/archive/">Past issues</a> · <a href="/feed.xml">Atom feed</a></nav>`,
    ports.newsletterName,
  );
}

async function confirm(request: SiteRequest, ports: SitePorts): Promise<SiteResponse> {
  const token = request.query.t ?? '';
  const link = await readConfirmLink(token, ports);
  if (!link.valid) return confirmLinkInvalid(ports);
  if (request.method === 'GET') {
    // Reading only: a link already used or replaced says so before anyone presses a button.
    const state = await confirmationState(link, ports);
    if (state === 'invalid') return confirmLinkInvalid(ports);
    if (state === 'already-active') return subscribedPage(ports, 'You are already subscribed');
    return page(
      200,
      `Confirm your subscription`,
      `<p>Press the button to start receiving ${escapeHtml(ports.newsletterName)}.</p>
<form method="post" action="${escapeHtml(`/confirm?t=${encodeURIComponent(token)}`)}"><button type="submit">Confirm my subscription</button></form>`,
      ports.newsletterName,
    );
  }
  if (request.method !== 'POST') return notAllowed(ports);
  const outcome = await confirmSignUp(link, ports);
  if (outcome === 'invalid') return confirmLinkInvalid(ports);
  return subscribedPage(ports, outcome === 'confirmed' ? 'You are subscribed' : 'You are already subscribed');
}

function subscribedPage(ports: SitePorts, title: string): SiteResponse {
  return page(
    200,
    title,
    `<p>${escapeHtml(ports.newsletterName)} will arrive at this address every week. Every issue has a link at the bottom to leave with one click.</p>
<nav><a href="/archive/">Read past issues</a></nav>`,
    ports.newsletterName,
  );
}

function confirmLinkInvalid(ports: SitePorts): SiteResponse {
  return page(
    400,
    'This link does not work',
    `<p>The confirmation link is incomplete, has been used already or is more than ${CONFIRMATION_DAYS} days old. Please <a href="/subscribe">sign up again</a> and use the link in the newest message.</p>`,
    ports.newsletterName,
  );
}

async function unsubscribe(request: SiteRequest, ports: SitePorts): Promise<SiteResponse> {
  const claim = verifyUnsubscribeToken(request.query.t ?? '', await ports.secret());
  if (!claim || claim.list !== ports.listId) {
    return page(
      400,
      'This link does not work',
      '<p>The unsubscribe link is incomplete or was changed. Please use the link from the bottom of your most recent email, or simply reply to it and ask us to remove you.</p>',
      ports.newsletterName,
    );
  }
  if (request.method === 'POST') {
    if (!isOneClickBody(request.body, request.contentType))
      return page(
        400,
        'Nothing was changed',
        '<p>This request did not ask to unsubscribe. Open the link from your email and use the button there.</p>',
        ports.newsletterName,
      );
    await ports.unsubscribe(claim.address);
    return page(
      200,
      'You are unsubscribed',
      `<p>You will not receive ${escapeHtml(ports.newsletterName)} any more. Sorry to see you go.</p>`,
      ports.newsletterName,
    );
  }
  if (request.method !== 'GET') return notAllowed(ports);
  const action = `?t=${encodeURIComponent(request.query.t ?? '')}`;
  return page(
    200,
    `Unsubscribe from ${ports.newsletterName}?`,
    `<p>You will stop receiving ${escapeHtml(ports.newsletterName)}. You can subscribe again at any time.</p>
<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
    ports.newsletterName,
  );
}

async function archiveListing(ports: SitePorts): Promise<SiteResponse> {
  const html = archivePage(await ports.archive.issues(), {
    newsletterName: ports.newsletterName,
    baseUrl: ports.siteUrl,
    ...(ports.timeZone ? { timeZone: ports.timeZone } : {}),
  });
  return { status: 200, headers: { ...SECURITY_HEADERS, 'cache-control': ARCHIVE_CACHE }, body: html };
}

async function feed(ports: SitePorts): Promise<SiteResponse> {
  const xml = await archiveFeed(ports.archive, { siteUrl: ports.siteUrl, title: ports.newsletterName });
  return {
    status: 200,
    headers: {
      'content-type': 'application/atom+xml; charset=utf-8',
      'cache-control': ARCHIVE_CACHE,
      'x-content-type-options': 'nosniff',
    },
    body: xml,
  };
}

async function archivedIssue(segment: string, request: SiteRequest, ports: SitePorts): Promise<SiteResponse> {
  if (request.method !== 'GET') return notAllowed(ports, 'GET, HEAD');
  const issueId = decodedSegment(segment);
  // Only issues that went out (in the index): one archived but not yet sent is not served early.
  const published =
    issueId !== undefined &&
    isIssueId(issueId) &&
    (await ports.archive.issues()).some((issue) => issue.issueId === issueId);
  const html = published ? await ports.archive.html(issueId) : undefined;
  if (!html)
    return page(
      404,
      'Issue not found',
      '<p>This issue is not in the archive (any more).</p>',
      ports.newsletterName,
    );
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

function notAllowed(ports: SitePorts, allow = 'GET, HEAD, POST'): SiteResponse {
  return page(405, 'Not allowed', '<p>Use the links and buttons in the page.</p>', ports.newsletterName, {
    allow,
  });
}

/** A path segment with its percent-escapes undone, or undefined when they are malformed (`%`, `%E0%A4%A`). */
function decodedSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
