import {
  type DeliveryContext,
  type DeliverySummary,
  deliverIssue,
  type Issue,
} from '../core/delivery/deliver.js';
import type { Subscriber } from '../core/delivery/subscriber.js';

export interface SendBatchMessage {
  /** The SQS message id, reported back when the batch must be retried. */
  id: string;
  issueId: string;
  recipients: string[];
  /**
   * `draft`: the issue's `[Draft]` copy for the editors, with approve links that work until
   * `linkExpiresAt` (and, for a window draft, when it goes out: `releaseAt`).
   */
  copy?: 'draft';
  linkExpiresAt?: string;
  releaseAt?: string;
}

export interface SendBatchPorts {
  loadIssue(issueId: string): Promise<Issue>;
  /** The `[Draft]` copy the message asks for (`draftCopy`): its ledger records are its own. */
  loadDraft(message: SendBatchMessage): Promise<Issue>;
  /** The recipients' current records: someone who unsubscribed after queueing is not sent to. */
  currentSubscribers(emails: string[]): Promise<Subscriber[]>;
}

export interface SendBatchResult {
  /** Messages to hand back to the queue (the run stopped before finishing them). */
  retry: string[];
  summaries: DeliverySummary[];
  /** The same for draft copies, which are not deliveries of the issue. */
  drafts: DeliverySummary[];
}

/**
 * Sends each queued batch through the ledger. A batch that could not be finished (time running
 * out, an account-level stop, an error) goes back to the queue; the ledger makes the retry send
 * only to whoever is still missing. A draft copy goes to the editors it names, whether or not they
 * are subscribers, once each (the ledger again).
 */
export async function sendBatches(
  messages: SendBatchMessage[],
  context: Omit<DeliveryContext, 'signal'> & { signal?: AbortSignal },
  ports: SendBatchPorts,
  onError: (message: SendBatchMessage, error: unknown) => void,
): Promise<SendBatchResult> {
  const retry: string[] = [];
  const summaries: DeliverySummary[] = [];
  const drafts: DeliverySummary[] = [];
  for (const message of messages) {
    if (context.signal?.aborted) {
      retry.push(message.id);
      continue;
    }
    try {
      const draft = message.copy === 'draft';
      const issue = draft ? await ports.loadDraft(message) : await ports.loadIssue(message.issueId);
      const subscribers = draft
        ? message.recipients.map(editor)
        : await ports.currentSubscribers(message.recipients);
      const summary = await deliverIssue(issue, subscribers, context);
      (draft ? drafts : summaries).push(summary);
      if (summary.stoppedBy !== undefined || summary.notAttempted > 0) retry.push(message.id);
    } catch (error) {
      onError(message, error);
      retry.push(message.id);
    }
  }
  return { retry, summaries, drafts };
}

/** An editor as a recipient of a draft copy. */
function editor(email: string): Subscriber {
  const now = new Date().toISOString();
  return { email, status: 'active', createdAt: now, updatedAt: now };
}
