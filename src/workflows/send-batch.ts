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
}

export interface SendBatchPorts {
  loadIssue(issueId: string): Promise<Issue>;
  /** The recipients' current records: someone who unsubscribed after queueing is not sent to. */
  currentSubscribers(emails: string[]): Promise<Subscriber[]>;
}

export interface SendBatchResult {
  /** Messages to hand back to the queue (the run stopped before finishing them). */
  retry: string[];
  summaries: DeliverySummary[];
}

/**
 * Sends each queued batch through the ledger. A batch that could not be finished (time running
 * out, an account-level stop, an error) goes back to the queue; the ledger makes the retry send
 * only to whoever is still missing.
 */
export async function sendBatches(
  messages: SendBatchMessage[],
  context: Omit<DeliveryContext, 'signal'> & { signal?: AbortSignal },
  ports: SendBatchPorts,
  onError: (message: SendBatchMessage, error: unknown) => void,
): Promise<SendBatchResult> {
  const retry: string[] = [];
  const summaries: DeliverySummary[] = [];
  for (const message of messages) {
    if (context.signal?.aborted) {
      retry.push(message.id);
      continue;
    }
    try {
      const issue = await ports.loadIssue(message.issueId);
      const subscribers = await ports.currentSubscribers(message.recipients);
      const summary = await deliverIssue(issue, subscribers, context);
      summaries.push(summary);
      if (summary.stoppedBy !== undefined || summary.notAttempted > 0) retry.push(message.id);
    } catch (error) {
      onError(message, error);
      retry.push(message.id);
    }
  }
  return { retry, summaries };
}
