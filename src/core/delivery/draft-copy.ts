import { escapeHtml } from '../render/personalize.js';
import { utcMinute } from './approval.js';
import type { IssueContent } from './issue.js';

/**
 * The `[Draft]` copy of an issue that goes to the editors before subscribers get it: the issue
 * exactly as subscribers will see it, under a banner that says it is a draft, when it goes out,
 * and links to approve it. Its ledger records are kept under its own id (`<issueId>.draft`), so a
 * copy never counts as, or stands in for, a delivery of the issue itself; its view-in-browser
 * link leads to the draft, since the issue is not in the public archive yet.
 *
 * @example
 * draftCopy(issue, { approveUrl: 'https://…/approve?t=p1.…', draftUrl: 'https://…/approve/draft?t=p1.…' })
 * // { issueId: '2026-W47.draft', subject: '[Draft] Week 47: …', … }
 */
export interface DraftLinks {
  /** The approve page (it shows the issue and an Approve button). */
  approveUrl: string;
  /** The archived draft, behind the same token. */
  draftUrl: string;
  /** For a window draft: when it goes out unless someone holds it (ISO 8601). */
  releaseAt?: string;
}

/** Ledger ids of draft copies end with this; no issue id the build makes does. */
export const DRAFT_COPY_SUFFIX = '.draft';

export function draftCopy(issue: IssueContent, links: DraftLinks): IssueContent {
  const when = links.releaseAt
    ? `It goes out to every subscriber at ${utcMinute(links.releaseAt)} unless someone holds it first.`
    : 'It goes out only once someone approves it.';
  const banner = `<div style="margin:0;padding:16px 20px;background:#fef3c7;border-bottom:2px solid #f59e0b;font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#1f2937"><strong>Draft for approval.</strong> Subscribers have not received this issue. ${escapeHtml(when)}<br><a href="${escapeHtml(links.approveUrl)}" style="color:#4338ca;font-weight:bold">Review and approve</a></div>`;
  const body = /<body\b[^>]*>/i.exec(issue.template.html);
  const html = body
    ? `${issue.template.html.slice(0, body.index + body[0].length)}${banner}${issue.template.html.slice(body.index + body[0].length)}`
    : `${banner}${issue.template.html}`;
  const text = [
    `DRAFT FOR APPROVAL. Subscribers have not received this issue. ${when}`,
    `Review and approve: ${links.approveUrl}`,
    '',
    '----',
    '',
    issue.template.text,
  ].join('\n');
  return {
    issueId: `${issue.issueId}${DRAFT_COPY_SUFFIX}`,
    subject: `[Draft] ${issue.subject}`,
    template: { ...issue.template, html, text },
    viewInBrowserUrl: links.draftUrl,
  };
}
