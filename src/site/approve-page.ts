import {
  APPROVAL_LINK_DAYS,
  type ApproveOutcome,
  type IssueRecord,
  utcMinute,
} from '../core/delivery/approval.js';
import { verifyApproveToken } from '../core/delivery/approve-token.js';
import { escapeHtml } from '../core/render/personalize.js';
import { page, SECURITY_HEADERS, type SiteRequest, type SiteResponse } from './page.js';

/** What the approve pages need: the Issues table, the approval workflow and the archived draft. */
export interface SiteApprovals {
  issue(issueId: string): Promise<IssueRecord | undefined>;
  /** Records the approval and starts the send (`approveIssue`). */
  approve(issueId: string): Promise<{ outcome: ApproveOutcome; issue?: IssueRecord }>;
  /** The draft as archived (generic links, nothing about any reader). */
  draftHtml(issueId: string): Promise<string | undefined>;
}

export interface ApprovePagePorts {
  secret(): Promise<string>;
  listId: string;
  newsletterName: string;
  now(): Date;
  log(event: string, details: Record<string, unknown>): void;
  approvals: SiteApprovals;
}

/**
 * The approve link of a draft copy:
 * - `GET /approve?t=…`: the issue (its subject, where it stands, a link to the draft) and an
 *   Approve button; opening it changes nothing (mail scanners open links);
 * - `POST /approve?t=…`: approves, which starts the send;
 * - `GET /approve/draft?t=…`: the archived draft itself.
 * The token (`p1.…`) names the list and the issue and expires; nothing else is needed.
 */
export async function approveRequest(
  request: SiteRequest,
  draftView: boolean,
  ports: ApprovePagePorts,
): Promise<SiteResponse> {
  const token = request.query.t ?? '';
  const check = verifyApproveToken(token, await ports.secret(), ports.now());
  if (!check.ok || check.claim.list !== ports.listId)
    return linkProblem(check.ok ? 'invalid' : check.reason, ports);
  const { issueId } = check.claim;
  const link = (path: string) => `${path}?t=${encodeURIComponent(token)}`;

  if (draftView) {
    if (request.method !== 'GET') return notAllowed(ports, 'GET, HEAD');
    const html = await ports.approvals.draftHtml(issueId);
    if (!html) return notFound(ports);
    return {
      status: 200,
      headers: {
        ...SECURITY_HEADERS,
        'content-security-policy':
          "default-src 'none'; img-src https: data:; style-src 'unsafe-inline'; frame-ancestors 'none'",
        'x-robots-tag': 'noindex',
      },
      body: html,
    };
  }

  if (request.method === 'POST') {
    const { outcome, issue } = await ports.approvals.approve(issueId);
    ports.log('Approve link used', { issueId, outcome });
    return approvedPage(outcome, issue, link, ports);
  }
  if (request.method !== 'GET') return notAllowed(ports, 'GET, HEAD, POST');
  const issue = await ports.approvals.issue(issueId);
  return issue ? issuePage(issue, link, ports) : notFound(ports);
}

function issuePage(
  issue: IssueRecord,
  link: (path: string) => string,
  ports: ApprovePagePorts,
): SiteResponse {
  const subject = `<p><strong>${escapeHtml(issue.subject)}</strong></p>`;
  const facts = `<p class="hint">${escapeHtml(issue.issueId)} · ${issue.items} ${issue.items === 1 ? 'story' : 'stories'}${issue.draftedAt ? ` · built ${utcMinute(issue.draftedAt)}` : ''}</p>`;
  const draft = `<p><a href="${escapeHtml(link('/approve/draft'))}">Read the draft</a></p>`;
  const button = `<form method="post" action="${escapeHtml(link('/approve'))}"><button type="submit">Approve and send</button></form>`;
  switch (issue.status) {
    case 'draft': {
      const when = issue.releaseAt
        ? `It goes out at ${utcMinute(issue.releaseAt)} unless someone holds it; approving sends it now.`
        : 'It goes out only once someone approves it.';
      return page(
        200,
        'Approve this issue?',
        `${subject}${facts}<p>Subscribers have not received it. ${when}</p>${draft}${button}`,
        ports.newsletterName,
      );
    }
    case 'held':
      return page(
        200,
        'This issue is on hold',
        `${subject}${facts}<p>It was held${issue.heldAt ? ` at ${utcMinute(issue.heldAt)}` : ''}, so it does not go out by itself. Approving sends it to every active subscriber now.</p>${draft}${button}`,
        ports.newsletterName,
      );
    case 'approved':
    case 'enqueuing':
      return page(
        200,
        'Already approved',
        `${subject}${facts}<p>It was approved${issue.approvedAt ? ` at ${utcMinute(issue.approvedAt)}` : ''}${issue.approvedBy ? ` (${escapeHtml(issue.approvedBy)})` : ''} and is going out to every active subscriber.</p>${draft}`,
        ports.newsletterName,
      );
    case 'enqueued':
      return sentPage(issue.issueId, ports);
  }
}

function approvedPage(
  outcome: ApproveOutcome,
  issue: IssueRecord | undefined,
  link: (path: string) => string,
  ports: ApprovePagePorts,
): SiteResponse {
  const subject = issue ? `<p><strong>${escapeHtml(issue.subject)}</strong></p>` : '';
  const draft = `<p><a href="${escapeHtml(link('/approve/draft'))}">Read the draft</a></p>`;
  switch (outcome) {
    case 'approved':
    case 'approved-after-hold':
      return page(
        200,
        'Approved: the send has started',
        `${subject}<p>${outcome === 'approved-after-hold' ? 'It was on hold; your approval releases it. ' : ''}It is going out to every active subscriber now, and joins the public archive once it is queued.</p>`,
        ports.newsletterName,
      );
    case 'already-approved':
      return page(
        200,
        'Already approved',
        `${subject}<p>It had been approved already. Its send was started again in case it had stopped; nobody gets it twice.</p>${draft}`,
        ports.newsletterName,
      );
    case 'already-sent':
      return sentPage(issue?.issueId ?? '', ports);
    case 'unknown':
      return notFound(ports);
  }
}

function sentPage(issueId: string, ports: ApprovePagePorts): SiteResponse {
  return page(
    200,
    'Already sent',
    `<p>This issue went to every active subscriber already. <a href="/archive/${escapeHtml(encodeURIComponent(issueId))}">Read it in the archive</a>.</p>`,
    ports.newsletterName,
  );
}

function linkProblem(reason: 'invalid' | 'expired', ports: ApprovePagePorts): SiteResponse {
  const instead = 'Approve from the command line instead: <code>digest approve ISSUE --stack NAME</code>.';
  return reason === 'expired'
    ? page(
        400,
        'This approve link has expired',
        `<p>Approve links work for ${APPROVAL_LINK_DAYS} days. ${instead}</p>`,
        ports.newsletterName,
      )
    : page(
        400,
        'This link does not work',
        `<p>The approve link is incomplete or was changed. Use the link in the draft copy as it arrived. ${instead}</p>`,
        ports.newsletterName,
      );
}

function notFound(ports: ApprovePagePorts): SiteResponse {
  return page(
    404,
    'Issue not found',
    '<p>This issue is not waiting for approval (any more).</p>',
    ports.newsletterName,
  );
}

function notAllowed(ports: ApprovePagePorts, allow: string): SiteResponse {
  return page(405, 'Not allowed', '<p>Use the links and buttons in the page.</p>', ports.newsletterName, {
    allow,
  });
}
