import { forEachConcurrent } from '../concurrency.js';
import { DigestError } from '../errors.js';
import { maskAddress } from './address.js';
import type { ListIdentity } from './compose.js';
import type { DeliveryLedger, LedgerRecord } from './ledger.js';
import { createMessageFactory, type IssueContent, type MessageFactory } from './message-template.js';
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
  /** Waits for the rate limiter's permission to send one message; returns early when `signal` aborts. */
  rateLimit: (signal: AbortSignal) => Promise<void>;
  concurrency: number;
  resendUnconfirmed?: boolean;
  /** Sends again to recipients whose earlier attempt failed for good. */
  retryFailed?: boolean;
  dryRun?: boolean;
  backoff?: BackoffPolicy;
  clock?: Clock;
  now?: () => Date;
  /** Stops the run gracefully: messages in flight finish, nothing new starts. */
  signal?: AbortSignal;
  onProgress?: (summary: Readonly<DeliverySummary>) => void;
}

/** Where every active subscriber ended up. The first seven numbers add up to `active`. */
export interface DeliverySummary {
  issueId: string;
  destination: string;
  dryRun: boolean;
  active: number;
  sent: number;
  failed: number;
  /** Recipients sent or failed in an earlier run of this issue: not sent again. */
  alreadySent: number;
  alreadyFailed: number;
  /** May or may not have the issue: claimed by a run that stopped mid-send, or SES's answer was lost. */
  unconfirmed: number;
  /** Not tried because the run stopped (account-level error or interruption). */
  notAttempted: number;
  /** In a dry run: who would be sent to now. */
  wouldSend: number;
  /** Of `unconfirmed`: whose send in this run went out and lost its answer. */
  answerLost: number;
  /** Unconfirmed recipients sent again with --resend-unconfirmed (included in `sent`). */
  resent: number;
  /** Failed recipients sent again with --retry-failed (included in `sent` or `failed`). */
  retried: number;
  /** Unconfirmed recipients the outbox confirmed as sent (counted in `alreadySent`). */
  confirmed: number;
  failedByReason: Record<string, number>;
  suppressed: Record<Exclude<SubscriberStatus, 'active'>, number>;
  /** Masked addresses of unconfirmed recipients (first 100), for the operator to look into. */
  unconfirmedRecipients: string[];
  /** Why the run stopped early, with what to do. */
  stoppedBy?: string;
}

const UNCONFIRMED_LISTED = 100;
/**
 * Failed tries in a row, across all messages in flight, against a provider out of reach before
 * the run stops: a few seconds, not minutes.
 */
const UNREACHABLE_ATTEMPTS = 3;

/**
 * Sends the issue to every active subscriber exactly once, as the ledger sees it: claim, send,
 * record. Streams subscribers (memory stays flat whatever the list size), honours the rate
 * limit, and retries only what cannot duplicate: throttling and requests that never left. A lost
 * answer leaves the recipient claimed and reported unconfirmed; a permanent rejection is recorded
 * and the run goes on; an account-level error or an unreachable provider stops the run and
 * leaves the recipients not yet sent without a record, for the next run.
 */
export async function deliverIssue(
  issue: Issue,
  subscribers: AsyncIterable<Subscriber> | Iterable<Subscriber>,
  context: DeliveryContext,
): Promise<DeliverySummary> {
  const summary = emptySummary(issue.issueId, context);
  const run = new Delivery(
    context,
    summary,
    await createMessageFactory(issue, context),
    await ledgerScope(issue, context),
  );
  await forEachConcurrent(subscribers, context.concurrency, async (subscriber) => {
    await run.deliverTo(subscriber);
    context.onProgress?.(summary);
  });
  if (context.signal?.aborted) run.stop('interrupted: run `digest send` again to continue where it stopped');
  return summary;
}

function emptySummary(issueId: string, context: DeliveryContext): DeliverySummary {
  return {
    issueId,
    destination: context.outbox.destination,
    dryRun: context.dryRun ?? false,
    active: 0,
    sent: 0,
    failed: 0,
    alreadySent: 0,
    alreadyFailed: 0,
    unconfirmed: 0,
    notAttempted: 0,
    wouldSend: 0,
    answerLost: 0,
    resent: 0,
    retried: 0,
    confirmed: 0,
    failedByReason: {},
    suppressed: { pending: 0, unsubscribed: 0, bounced: 0, complained: 0, forgotten: 0 },
    unconfirmedRecipients: [],
  };
}

/** The ledger's key for an issue sent to a destination: each destination has its own record. */
export function ledgerKeyOf(issueId: string, destination: string): string {
  return `${issueId} ${destination}`;
}

/**
 * The ledger key of this issue at this destination. An issue whose sending began before ledgers
 * were scoped by destination keeps its plain key, so a re-run never sends it twice.
 */
async function ledgerScope(issue: Issue, context: DeliveryContext): Promise<string> {
  for await (const _ of context.ledger.records(issue.issueId)) return issue.issueId;
  return ledgerKeyOf(issue.issueId, context.outbox.destination);
}

class Delivery {
  private readonly clock: Clock;
  private readonly backoff: BackoffPolicy;
  /** Unreachable failures since the last message that went out. */
  private unreachableInARow = 0;
  /** Aborts waits (rate limit, backoff) once the run stops or is interrupted. */
  private readonly stopping = new AbortController();
  private readonly waiting: AbortSignal;

  constructor(
    private readonly context: DeliveryContext,
    private readonly summary: DeliverySummary,
    private readonly makeMessage: MessageFactory,
    private readonly scope: string,
  ) {
    this.clock = context.clock ?? systemClock;
    this.backoff = context.backoff ?? DEFAULT_BACKOFF;
    this.waiting = context.signal
      ? AbortSignal.any([this.stopping.signal, context.signal])
      : this.stopping.signal;
  }

  stop(reason: string): void {
    this.summary.stoppedBy ??= reason;
    this.stopping.abort();
  }

  async deliverTo(subscriber: Subscriber): Promise<void> {
    const { summary, context, scope } = this;
    if (subscriber.status !== 'active') {
      summary.suppressed[subscriber.status]++;
      return;
    }
    summary.active++;
    const email = subscriber.email;
    if (this.stopped()) {
      summary.notAttempted++;
      return;
    }
    if (summary.dryRun) return this.count(await context.ledger.get(scope, email), email);

    const claim = await context.ledger.claim(scope, email, this.now());
    if (claim.claimed) return this.send(email);
    const { existing } = claim;
    if (existing.status === 'sent') summary.alreadySent++;
    else if (existing.status === 'failed') {
      if (context.retryFailed && (await context.ledger.reclaim(scope, email, this.now(), 'failed'))) {
        summary.retried++;
        return this.send(email);
      }
      summary.alreadyFailed++;
    } else await this.settleUnconfirmed(email);
  }

  private stopped(): boolean {
    return this.summary.stoppedBy !== undefined || this.context.signal?.aborted === true;
  }

  private now(): string {
    return (this.context.now ?? (() => new Date()))().toISOString();
  }

  private count(existing: LedgerRecord | undefined, email: string): void {
    const { summary } = this;
    if (!existing) summary.wouldSend++;
    else if (existing.status === 'sent') summary.alreadySent++;
    else if (existing.status === 'failed' && this.context.retryFailed) summary.wouldSend++;
    else if (existing.status === 'failed') summary.alreadyFailed++;
    else this.unconfirmed(email);
  }

  /**
   * A claim with no outcome from an earlier run. An outbox that can tell (the file outbox) says
   * whether the message is there; otherwise it is sent again only on the operator's word.
   */
  private async settleUnconfirmed(email: string): Promise<void> {
    const { context, summary, scope } = this;
    const confirm = context.outbox.confirm;
    if (confirm) {
      const message = await this.makeMessage(email);
      if (await confirm.call(context.outbox, message)) {
        await context.ledger.markSent(scope, email, message.messageId, this.now());
        summary.alreadySent++;
        summary.confirmed++;
        return;
      }
      if (await context.ledger.reclaim(scope, email, this.now())) return this.send(email);
    }
    if (context.resendUnconfirmed && (await context.ledger.reclaim(scope, email, this.now()))) {
      return this.send(email, () => summary.resent++);
    }
    this.unconfirmed(email);
  }

  private unconfirmed(email: string): void {
    this.summary.unconfirmed++;
    if (this.summary.unconfirmedRecipients.length < UNCONFIRMED_LISTED)
      this.summary.unconfirmedRecipients.push(maskAddress(email));
  }

  private async fail(email: string, reason: string): Promise<void> {
    await this.context.ledger.markFailed(this.scope, email, reason, this.now());
    this.summary.failed++;
    this.summary.failedByReason[reason] = (this.summary.failedByReason[reason] ?? 0) + 1;
  }

  /** Gives back a claim whose message certainly did not go out, so the next run sends it. */
  private async release(email: string): Promise<void> {
    await this.context.ledger.release(this.scope, email);
    this.summary.notAttempted++;
  }

  /** Sends to a claimed recipient and records the outcome. */
  private async send(email: string, onSent?: () => void): Promise<void> {
    const { context, summary } = this;
    const message = await this.makeMessage(email);
    for (let attempt = 0; ; attempt++) {
      await context.rateLimit(this.waiting);
      if (this.stopped()) return this.release(email);
      let messageId: string;
      try {
        ({ messageId } = await context.outbox.send(message));
      } catch (error) {
        const failure = asDeliveryFailure(error);
        switch (failure.kind) {
          case 'account':
            this.stop(failure.message);
            return this.release(email);
          case 'permanent':
            return this.fail(email, failure.message);
          case 'unconfirmed':
            // The provider may have it: a retry could send it twice. It stays claimed.
            summary.answerLost++;
            return this.unconfirmed(email);
          case 'unreachable':
            if (++this.unreachableInARow >= UNREACHABLE_ATTEMPTS) {
              this.stop(failure.message);
              return this.release(email);
            }
            break;
          default:
            if (attempt + 1 >= this.backoff.maxAttempts)
              return this.fail(
                email,
                `gave up after ${this.backoff.maxAttempts} attempts: ${failure.message}`,
              );
        }
        await this.clock.sleep(fullJitterDelay(attempt, this.backoff), this.waiting);
        continue;
      }
      this.unreachableInARow = 0;
      try {
        await context.ledger.markSent(this.scope, email, messageId, this.now());
      } catch {
        // The message went out but the ledger could not say so: it stays claimed, i.e. unconfirmed,
        // which is never re-sent without the operator's word.
        return this.unconfirmed(email);
      }
      summary.sent++;
      onSent?.();
      return;
    }
  }
}

function asDeliveryFailure(error: unknown): DeliveryFailure {
  if (error instanceof DeliveryFailure) return error;
  if (error instanceof DigestError) return new DeliveryFailure('account', error.message, { cause: error });
  // Unknown errors (a disk error, a bug in an adapter) are retried, then recorded.
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
