import {
  decideRelease,
  decideSend,
  type IssueStore,
  releaseChange,
  type SendDecision,
  sendLeaseStart,
} from '../core/delivery/approval.js';
import type { ArchivedIssue } from '../core/delivery/archive.js';

/** What sending an issue needs: the Issues table, the archive's index, the list and the queue. */
export interface SendPorts {
  issues: IssueStore;
  /** Lists the issue in the archive's index (archive/index.json), once it is queued. */
  publish(issue: ArchivedIssue): Promise<unknown>;
  activeRecipients(): AsyncIterable<string>;
  enqueue(
    issueId: string,
    recipients: AsyncIterable<string>,
  ): Promise<{ recipients: number; batches: number }>;
}

export type ApprovedSendResult =
  | { status: 'enqueued'; issueId: string; recipients: number; batches: number }
  | { status: 'already-enqueued' | 'in-progress' | 'not-approved' | 'unknown'; issueId: string };

/**
 * Queues an approved issue for every active subscriber, from the draft as it was archived (it is
 * never built again: what was approved is what goes), then lists it in the archive's index.
 * Safe to run any number of times: only one run takes the send (a conditional write), a later
 * one finds it queued, and a run cut off is taken over once its lease has passed (the delivery
 * ledger keeps a second queueing from sending anyone twice).
 */
export async function sendApprovedIssue(
  issueId: string,
  now: Date,
  ports: SendPorts,
): Promise<ApprovedSendResult> {
  const issue = await ports.issues.get(issueId);
  const decision = decideSend(issue, now);
  if (!issue || decision !== 'send') return { status: notSent(decision), issueId };
  if (!(await ports.issues.claimSend(issueId, now.toISOString(), sendLeaseStart(now))))
    // Another run took it, or it was held, in the moment between: say which.
    return { status: notSent(decideSend(await ports.issues.get(issueId), now)), issueId };
  const queued = await ports.enqueue(issueId, ports.activeRecipients());
  // Before `finish`: if the index cannot be written, a retry queues again (the ledger sends
  // nobody twice) and publishes, rather than leave a sent issue out of the archive.
  await ports.publish({
    issueId,
    subject: issue.subject,
    preheader: issue.preheader ?? '',
    publishedAt: now.toISOString(),
  });
  await ports.issues.finish(issueId, { ...queued, updatedAt: new Date().toISOString() });
  return { status: 'enqueued', issueId, ...queued };
}

function notSent(decision: SendDecision): Exclude<ApprovedSendResult['status'], 'enqueued'> {
  // A send that is due but could not be taken is someone else's to finish.
  if (decision === 'send') return 'in-progress';
  return decision === 'already-sent' ? 'already-enqueued' : decision;
}

export interface ReleaseResult {
  status: 'released';
  /** Window drafts whose window ended, now queued. */
  released: ApprovedSendResult[];
  /** Approved issues whose send had been lost or cut off, now queued. */
  resumed: ApprovedSendResult[];
}

/**
 * The release schedule's run (every 15 minutes while approval has a window): each draft whose
 * window has ended and that nobody held is approved by the window and queued; an approved issue
 * whose start was lost, or whose queueing was cut off, is queued too. A second run finds nothing
 * to do.
 */
export async function releaseDueIssues(now: Date, ports: SendPorts): Promise<ReleaseResult> {
  const result: ReleaseResult = { status: 'released', released: [], resumed: [] };
  const due: { issueId: string; release: boolean }[] = [];
  for await (const issue of ports.issues.all()) {
    const decision = decideRelease(issue, now);
    if (decision !== 'wait') due.push({ issueId: issue.issueId, release: decision === 'release' });
  }
  for (const { issueId, release } of due) {
    // Conditional on the draft still being a draft: one held a moment ago stays held.
    if (release && !(await ports.issues.change(issueId, releaseChange(now)))) continue;
    const sent = await sendApprovedIssue(issueId, now, ports);
    (release ? result.released : result.resumed).push(sent);
  }
  return result;
}
