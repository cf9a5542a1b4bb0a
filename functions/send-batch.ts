import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import { createDocumentClient } from '../src/adapters/dynamodb.js';
import { DynamoLedger } from '../src/adapters/ledger-dynamodb.js';
import { SesOutbox } from '../src/adapters/outbox-ses.js';
import { createS3Client } from '../src/adapters/s3-source.js';
import { DynamoSubscriberStore } from '../src/adapters/subscribers-dynamodb.js';
import { maskAddress } from '../src/core/delivery/address.js';
import { signApproveToken } from '../src/core/delivery/approve-token.js';
import type { Issue } from '../src/core/delivery/deliver.js';
import { draftCopy } from '../src/core/delivery/draft-copy.js';
import { TokenBucket } from '../src/core/delivery/rate.js';
import type { Subscriber } from '../src/core/delivery/subscriber.js';
import { type SendBatchMessage, sendBatches } from '../src/workflows/send-batch.js';
import { issueArchive } from './commons/archive.js';
import { readEnvironment, required } from './commons/environment.js';
import { archiveLink, identityFrom, listEnvironment } from './commons/list-settings.js';
import { logger, MetricUnit, metrics } from './commons/observability.js';
import { unsubscribeSecret } from './commons/secret.js';

const env = readEnvironment({
  BUCKET: required(),
  ARCHIVE_PREFIX: z.string().default('archive/'),
  SUBSCRIBERS_TABLE: required(),
  LEDGER_TABLE: required(),
  CONFIGURATION_SET: z.string().optional(),
  /** This function's share of the SES send rate (the account rate divided by its maximum concurrency). */
  SEND_RATE: z.coerce.number().positive(),
  CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  /** The public site (`https://…/`): the approve links of draft copies start with it (set when approval is on). */
  SITE_URL: z.url().optional(),
  ...listEnvironment,
});

const s3 = createS3Client();
const dynamo = createDocumentClient(process.env.AWS_ENDPOINT_URL_DYNAMODB);
const outbox = new SesOutbox(env.CONFIGURATION_SET ? { configurationSetName: env.CONFIGURATION_SET } : {});
const ledger = new DynamoLedger(dynamo, env.LEDGER_TABLE);
const subscribers = new DynamoSubscriberStore(dynamo, env.SUBSCRIBERS_TABLE, 16, (reason) =>
  logger.warn('A queued recipient is not sent to', { reason }),
);
const archive = issueArchive(s3, env.BUCKET, env.ARCHIVE_PREFIX);
const bucket = new TokenBucket(env.SEND_RATE);
const issues = new Map<string, Promise<Issue>>();
/** Stop starting new messages this long before the function times out. */
const SAFETY_MARGIN_MS = 20_000;

const bodySchema = z.object({
  issueId: z.string().min(1),
  recipients: z.array(z.string()).max(500),
  copy: z.literal('draft').optional(),
  linkExpiresAt: z.iso.datetime().optional(),
  releaseAt: z.iso.datetime().optional(),
});

/** SQS consumer: sends each batch through the ledger and reports the batches to retry. */
export const handler = async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
  if (context) logger.addContext(context);
  const messages: SendBatchMessage[] = [];
  const failures: string[] = [];
  for (const record of event.Records) {
    const parsed = bodySchema.safeParse(safeJson(record.body));
    if (parsed.success) messages.push({ id: record.messageId, ...parsed.data });
    else {
      logger.error(
        'Queued batch is not readable: it goes back to the queue and then to the dead-letter queue',
        { messageId: record.messageId },
      );
      failures.push(record.messageId);
    }
  }

  const controller = new AbortController();
  const remaining = context?.getRemainingTimeInMillis() ?? 15 * 60_000;
  const timer = setTimeout(() => controller.abort(), Math.max(0, remaining - SAFETY_MARGIN_MS));
  try {
    const result = await sendBatches(
      messages,
      {
        identity: identityFrom(env),
        unsubscribeSecret: await unsubscribeSecret(env.UNSUBSCRIBE_SECRET_ARN),
        ledger,
        outbox,
        rateLimit: (signal) => bucket.take(signal),
        concurrency: env.CONCURRENCY,
        signal: controller.signal,
      },
      { loadIssue, loadDraft, currentSubscribers },
      (message, error) =>
        logger.error('Batch failed; it will be retried', {
          messageId: message.id,
          issueId: message.issueId,
          error: (error as Error).message,
        }),
    );
    for (const summary of result.summaries) {
      metrics.addMetric('MessagesSent', MetricUnit.Count, summary.sent);
      metrics.addMetric('DeliveryFailed', MetricUnit.Count, summary.failed);
      metrics.addMetric('Unconfirmed', MetricUnit.Count, summary.unconfirmed);
      metrics.addMetric('AlreadySent', MetricUnit.Count, summary.alreadySent);
      logger.info('Batch sent', {
        issueId: summary.issueId,
        sent: summary.sent,
        failed: summary.failed,
        failedByReason: summary.failedByReason,
        alreadySent: summary.alreadySent,
        unconfirmed: summary.unconfirmed,
        unconfirmedRecipients: summary.unconfirmedRecipients,
        suppressed: summary.suppressed,
        ...(summary.stoppedBy ? { stoppedBy: summary.stoppedBy } : {}),
      });
    }
    for (const summary of result.drafts) {
      metrics.addMetric('DraftCopiesSent', MetricUnit.Count, summary.sent);
      // An editor without the draft cannot approve it: the failure alarm hears of it too.
      metrics.addMetric('DeliveryFailed', MetricUnit.Count, summary.failed);
      logger.info('Draft copies sent to the editors', {
        issueId: summary.issueId,
        sent: summary.sent,
        failed: summary.failed,
        failedByReason: summary.failedByReason,
        alreadySent: summary.alreadySent,
        unconfirmed: summary.unconfirmed,
      });
    }
    failures.push(...result.retry);
  } finally {
    clearTimeout(timer);
    metrics.publishStoredMetrics();
  }
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
};

function loadIssue(issueId: string): Promise<Issue> {
  let issue = issues.get(issueId);
  if (!issue) {
    issue = archive.issue(issueId, (id) => archiveLink(env.ARCHIVE_URL, id));
    issues.set(issueId, issue);
    issue.catch(() => issues.delete(issueId));
  }
  return issue;
}

/** The `[Draft]` copy for the editors: the archived issue, with approve links sealed here. */
async function loadDraft(message: SendBatchMessage): Promise<Issue> {
  if (!env.SITE_URL || !message.linkExpiresAt)
    throw new Error('a draft copy needs SITE_URL and the link expiry: redeploy the stack');
  const issue = await loadIssue(message.issueId);
  const token = signApproveToken(
    { list: env.LIST_ID, issueId: message.issueId, expiresAt: new Date(message.linkExpiresAt) },
    await unsubscribeSecret(env.UNSUBSCRIBE_SECRET_ARN),
  );
  const link = (path: string) => {
    const url = new URL(path, env.SITE_URL);
    url.searchParams.set('t', token);
    return url.toString();
  };
  return draftCopy(issue, {
    approveUrl: link('approve'),
    draftUrl: link('approve/draft'),
    ...(message.releaseAt ? { releaseAt: message.releaseAt } : {}),
  });
}

/** The recipients' current records: unsubscribes since queueing are honoured. */
async function currentSubscribers(emails: string[]): Promise<Subscriber[]> {
  const found = await subscribers.current(emails);
  const missing = emails.length - found.length;
  if (missing > 0)
    logger.info('Queued recipients no longer on the list were skipped', {
      count: missing,
      example: maskAddress(emails[0] ?? ''),
    });
  return found;
}

function safeJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
