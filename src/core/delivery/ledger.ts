/**
 * The delivery ledger: one record per (issue, recipient), written before and after each send,
 * which is what makes delivery exactly-once across crashes and re-runs.
 *
 *   claimed ──▶ sent (provider message id)
 *      │
 *      └─────▶ failed (reason)
 *
 * A `claimed` record with no outcome means the process stopped between claiming and recording:
 * the message may or may not have gone out. It is reported as unconfirmed and only sent again
 * when the operator says so.
 */
export type LedgerStatus = 'claimed' | 'sent' | 'failed';

export interface LedgerRecord {
  issueId: string;
  recipient: string;
  status: LedgerStatus;
  messageId?: string;
  reason?: string;
  /** How many times a claim was made (more than 1 after --resend-unconfirmed). */
  attempts: number;
  claimedAt: string;
  updatedAt: string;
}

export type ClaimResult = { claimed: true } | { claimed: false; existing: LedgerRecord };

export interface DeliveryLedger {
  /** Records a claim unless the recipient already has a record for the issue (atomically). */
  claim(issueId: string, recipient: string, now: string): Promise<ClaimResult>;
  /**
   * Claims a recipient again whose record is `from` (`claimed`: unconfirmed, `failed`: retried);
   * false if the record is no longer in that state (another run got there first).
   */
  reclaim(issueId: string, recipient: string, now: string, from?: 'claimed' | 'failed'): Promise<boolean>;
  markSent(issueId: string, recipient: string, messageId: string, now: string): Promise<void>;
  markFailed(issueId: string, recipient: string, reason: string, now: string): Promise<void>;
  /** Removes a claim whose message was certainly not sent (the provider refused the whole account). */
  release(issueId: string, recipient: string): Promise<void>;
  get(issueId: string, recipient: string): Promise<LedgerRecord | undefined>;
  records(issueId: string): AsyncIterable<LedgerRecord>;
  close(): Promise<void>;
}

/** The record a first claim writes. */
export function newClaim(issueId: string, recipient: string, now: string): LedgerRecord {
  return { issueId, recipient, status: 'claimed', attempts: 1, claimedAt: now, updatedAt: now };
}
