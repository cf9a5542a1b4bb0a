import type { SQSClient } from '@aws-sdk/client-sqs';
import { DigestError } from '../core/errors.js';
import { awsRegion } from './aws-region.js';

// The SDK module loads on first use. A static import of an external package is hoisted to the
// top of a Lambda bundle, where every cold start of the build function would load it, even in
// the weeks with nothing to queue.
let sqsModule: Promise<typeof import('@aws-sdk/client-sqs')> | undefined;
const sqs = () => {
  sqsModule ??= import('@aws-sdk/client-sqs');
  return sqsModule;
};

/** One queued unit of sending work: an issue and up to a few dozen recipients. */
export interface SendBatch extends BatchOptions {
  issueId: string;
  recipients: string[];
}

/** What a batch says beyond its issue: a draft copy and its links (`SendBatchMessage`). */
export interface BatchOptions {
  copy?: 'draft';
  linkExpiresAt?: string;
  releaseAt?: string;
}

const MESSAGES_PER_CALL = 10;

/**
 * Queues recipients in batches of `batchSize`, ten SQS messages per call. Recipients are
 * streamed in; at most one call's worth is held at a time.
 */
export async function enqueueRecipients(
  client: SQSClient,
  queueUrl: string,
  issueId: string,
  recipients: AsyncIterable<string>,
  batchSize: number,
  options: BatchOptions = {},
): Promise<{ recipients: number; batches: number }> {
  let pending: SendBatch[] = [];
  let current: string[] = [];
  let count = 0;
  let batches = 0;
  const flush = async () => {
    if (pending.length === 0) return;
    const { SendMessageBatchCommand } = await sqs();
    const response = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: pending.map((batch, index) => ({ Id: String(index), MessageBody: JSON.stringify(batch) })),
      }),
    );
    if (response.Failed?.length) {
      throw new DigestError(
        `SQS refused ${response.Failed.length} batch(es) (${response.Failed[0]?.Code}): the run can be repeated safely`,
      );
    }
    batches += pending.length;
    pending = [];
  };
  for await (const recipient of recipients) {
    current.push(recipient);
    count++;
    if (current.length === batchSize) {
      pending.push({ issueId, ...options, recipients: current });
      current = [];
      if (pending.length === MESSAGES_PER_CALL) await flush();
    }
  }
  if (current.length > 0) pending.push({ issueId, ...options, recipients: current });
  await flush();
  return { recipients: count, batches };
}

export async function createSqsClient(): Promise<SQSClient> {
  const { SQSClient } = await sqs();
  return new SQSClient({ region: awsRegion() });
}
