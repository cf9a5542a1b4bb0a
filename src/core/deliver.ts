import { maskAddress } from './address.js';
import type { ListIdentity } from './compose.js';
import { forEachConcurrent } from './concurrency.js';
import { DigestError } from './errors.js';
import type { DeliveryLedger } from './ledger.js';
import { createMessageFactory, type IssueContent } from './message-template.js';
import { DeliveryFailure, type Outbox } from './outbox.js';
import { type BackoffPolicy, type Clock, DEFAULT_BACKOFF, fullJitterDelay, systemClock } from './rate.js';
import type { Subscriber, SubscriberStatus } from './subscriber.js';

/** The finished issue: rendered once, personalized per recipient by substitution only. */
export type Issue = IssueContent;

export interface DeliveryContext {
  identity: ListIdentity;
  unsubscribeSecret: string;
  ledger: DeliveryLedger;
  outbox: Outbox;
  /** Waits for the rate limiter's permission to send one message. */
  rateLimit: () => Promise<void>;
  concurrency: number;
  resendUnconfirmed?: boolean;
  dryRun?: boolean;
  backoff?: BackoffPolicy;
  clock?: Clock;
  now?: () => Date;
  /** Stops the run gracefully: messages in flight finish, nothing new starts. */
  signal?: AbortSignal;
  onProgress?: (summary: Readonly<DeliverySummary>) => void;
}

/** Where every active subscriber ended up. The first six numbers add up to `active`. */
export interface DeliverySummary {
  issueId: string;
  dryRun: boolean;
  active: number;
  sent: number;
  failed: number;
  /** Recipients sent or failed in an earlier run of this issue: not sent again. */
  alreadySent: number;
  alreadyFailed: number;
  /** Claimed in an earlier run that stopped mid-send: may or may not have received it. */
  unconfirmed: number;
  /** Not tried because the run stopped (account-level error or interruption). */
  notAttempted: number;
  /** In a dry run: who would be sent to now. */
  wouldSend: number;
  /** Unconfirmed recipients sent again with --resend-unconfirmed (included in `sent`). */
  resent: number;
  failedByReason: Record<string, number>;
  suppressed: Record<Exclude<SubscriberStatus, 'active'>, number>;
  /** Masked addresses of unconfirmed recipients (first 100), for the operator to look into. */
  unconfirmedRecipients: string[];
  /** Why the run stopped early, with what to do. */
  stoppedBy?: string;
}

const UNCONFIRMED_LISTED = 100;

/**
 * Sends the issue to every active subscriber exactly once, as the ledger sees it: claim, send,
 * record. Streams subscribers (memory stays flat whatever the list size), honours the rate
 * limit, retries throttling and transient errors with full-jitter backoff, records permanent
 * rejections and goes on, and stops at an account-level error with the reason.
 */
export async function deliverIssue(
  issue: Issue,
  subscribers: AsyncIterable<Subscriber> | Iterable<Subscriber>,
  context: DeliveryContext,
): Promise<DeliverySummary> {
  const clock = context.clock ?? systemClock;
  const backoff = context.backoff ?? DEFAULT_BACKOFF;
  const now = () => (context.now ?? (() => new Date()))().toISOString();
  const summary: DeliverySummary = {
    issueId: issue.issueId,
    dryRun: context.dryRun ?? false,
    active: 0,
    sent: 0,
    failed: 0,
    alreadySent: 0,
    alreadyFailed: 0,
    unconfirmed: 0,
    notAttempted: 0,
    wouldSend: 0,
    resent: 0,
    failedByReason: {},
    suppressed: { unsubscribed: 0, bounced: 0, complained: 0 },
    unconfirmedRecipients: [],
  };
  const { ledger, outbox } = context;
  const makeMessage = await createMessageFactory(issue, context);
  const stopped = () => summary.stoppedBy !== undefined || context.signal?.aborted === true;
  const stop = (reason: string) => {
    summary.stoppedBy ??= reason;
  };

  const fail = async (email: string, reason: string) => {
    await ledger.markFailed(issue.issueId, email, reason, now());
    summary.failed++;
    summary.failedByReason[reason] = (summary.failedByReason[reason] ?? 0) + 1;
  };

  const unconfirmed = (email: string) => {
    summary.unconfirmed++;
    if (summary.unconfirmedRecipients.length < UNCONFIRMED_LISTED)
      summary.unconfirmedRecipients.push(maskAddress(email));
  };

  async function deliverTo(subscriber: Subscriber): Promise<void> {
    if (subscriber.status !== 'active') {
      summary.suppressed[subscriber.status]++;
      return;
    }
    summary.active++;
    const email = subscriber.email;
    if (stopped()) {
      summary.notAttempted++;
      return;
    }
    if (summary.dryRun) {
      const existing = await ledger.get(issue.issueId, email);
      if (!existing) summary.wouldSend++;
      else if (existing.status === 'sent') summary.alreadySent++;
      else if (existing.status === 'failed') summary.alreadyFailed++;
      else unconfirmed(email);
      return;
    }

    const claim = await ledger.claim(issue.issueId, email, now());
    let resending = false;
    if (!claim.claimed) {
      const { existing } = claim;
      if (existing.status === 'sent') summary.alreadySent++;
      else if (existing.status === 'failed') summary.alreadyFailed++;
      else if (context.resendUnconfirmed && (await ledger.reclaim(issue.issueId, email, now())))
        resending = true;
      else unconfirmed(email);
      if (!resending) return;
    }

    const message = await makeMessage(email);
    for (let attempt = 0; ; attempt++) {
      await context.rateLimit();
      if (stopped()) {
        await ledger.release(issue.issueId, email);
        summary.notAttempted++;
        return;
      }
      let messageId: string;
      try {
        ({ messageId } = await outbox.send(message));
      } catch (error) {
        const failure = asDeliveryFailure(error);
        if (failure.kind === 'account') {
          await ledger.release(issue.issueId, email);
          summary.notAttempted++;
          stop(failure.message);
          return;
        }
        if (failure.kind === 'permanent') return fail(email, failure.message);
        if (attempt + 1 >= backoff.maxAttempts)
          return fail(email, `gave up after ${backoff.maxAttempts} attempts: ${failure.message}`);
        await clock.sleep(fullJitterDelay(attempt, backoff));
        continue;
      }
      try {
        await ledger.markSent(issue.issueId, email, messageId, now());
      } catch {
        // The message went out but the ledger could not say so: it stays claimed, i.e. unconfirmed,
        // which is never re-sent without the operator's word.
        unconfirmed(email);
        return;
      }
      summary.sent++;
      if (resending) summary.resent++;
      return;
    }
  }

  await forEachConcurrent(subscribers, context.concurrency, async (subscriber) => {
    await deliverTo(subscriber);
    context.onProgress?.(summary);
  });
  if (context.signal?.aborted) stop('interrupted: run `digest send` again to continue where it stopped');
  return summary;
}

function asDeliveryFailure(error: unknown): DeliveryFailure {
  if (error instanceof DeliveryFailure) return error;
  if (error instanceof DigestError) return new DeliveryFailure('account', error.message, { cause: error });
  // Unknown errors (a dropped connection, a bug in an adapter) are retried, then recorded.
  return new DeliveryFailure('transient', error instanceof Error ? error.message : String(error), {
    cause: error,
  });
}

/** True when every active subscriber is accounted for. */
export function accountedFor(summary: DeliverySummary): boolean {
  return (
    summary.sent +
      summary.failed +
      summary.alreadySent +
      summary.alreadyFailed +
      summary.unconfirmed +
      summary.notAttempted +
      summary.wouldSend ===
    summary.active
  );
}
