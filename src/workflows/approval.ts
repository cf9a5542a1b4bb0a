import {
  type ApprovalActor,
  type ApproveOutcome,
  decideApprove,
  decideHold,
  type HoldOutcome,
  type IssueRecord,
  type IssueStore,
} from '../core/delivery/approval.js';
import { DigestError } from '../core/errors.js';

/** What approving and holding need: the Issues table, and a way to start an approved send. */
export interface ApprovalPorts {
  issues: Pick<IssueStore, 'get' | 'change'>;
  /**
   * Starts the send of an approved issue without waiting for it (on AWS: the build function,
   * invoked asynchronously with `{ "approve": issueId }`). Starting it twice queues nobody twice.
   */
  startSend(issueId: string): Promise<void>;
  now(): Date;
}

/** Tries before giving up on an issue that keeps changing under us (each try is read, decide, write). */
const ATTEMPTS = 3;

/**
 * Approves an issue (from the approve link or `digest approve`): records the approval on the
 * condition that the issue is still as it was read, then starts the send. An issue approved
 * already gets its send started again, which recovers a start that was lost.
 *
 * @example
 * const { outcome } = await approveIssue('2026-W47', 'command line', ports); // 'approved'
 */
export async function approveIssue(
  issueId: string,
  by: ApprovalActor,
  ports: ApprovalPorts,
): Promise<{ outcome: ApproveOutcome; issue?: IssueRecord }> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const issue = await ports.issues.get(issueId);
    const decision = decideApprove(issue, by, ports.now());
    if (decision.change && !(await ports.issues.change(issueId, decision.change))) continue;
    if (decision.startSend) {
      try {
        await ports.startSend(issueId);
      } catch (error) {
        throw new DigestError(
          `${issueId} is approved, but its send could not be started (${(error as Error).message}): approve it again to start it`,
          { cause: error },
        );
      }
    }
    return { outcome: decision.outcome, ...(issue ? { issue } : {}) };
  }
  throw new DigestError(`${issueId} kept changing while it was being approved: try again`);
}

/**
 * Holds an issue (`digest hold`): a draft, or an approved issue whose queueing has not begun,
 * is never sent by its window; only an approval sends it.
 */
export async function holdIssue(
  issueId: string,
  by: ApprovalActor,
  ports: Pick<ApprovalPorts, 'issues' | 'now'>,
): Promise<{ outcome: HoldOutcome; issue?: IssueRecord }> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const issue = await ports.issues.get(issueId);
    const decision = decideHold(issue, by, ports.now());
    if (decision.change && !(await ports.issues.change(issueId, decision.change))) continue;
    return { outcome: decision.outcome, ...(issue ? { issue } : {}) };
  }
  throw new DigestError(`${issueId} kept changing while it was being held: try again`);
}
