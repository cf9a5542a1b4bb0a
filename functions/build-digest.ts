import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { createDocumentClient } from '../src/adapters/dynamodb.js';
import { DynamoIssueStore } from '../src/adapters/issues-dynamodb.js';
import { createS3Client, s3Source } from '../src/adapters/s3-source.js';
import { DynamoSubscriberStore } from '../src/adapters/subscribers-dynamodb.js';
import { BUNDLED_TEMPLATES, loadTemplates } from '../src/adapters/templates-fs.js';
import { UsageError } from '../src/core/errors.js';
import { DEFAULT_MAX_BRIEFING_BYTES } from '../src/core/ingest/briefing.js';
import { compileTemplates } from '../src/core/render/render.js';
import { buildIssue } from '../src/workflows/build-issue.js';
import { issueArchive } from './commons/archive.js';
import { readEnvironment, required, timeZone } from './commons/environment.js';
import { once } from './commons/lazy.js';
import { archiveLink, listEnvironment } from './commons/list-settings.js';
import { logger, MetricUnit, metrics } from './commons/observability.js';

const env = readEnvironment({
  BUCKET: required(),
  BRIEFINGS_PREFIX: z.string().default('briefings/'),
  ARCHIVE_PREFIX: z.string().default('archive/'),
  SUBSCRIBERS_TABLE: required(),
  ISSUES_TABLE: required(),
  QUEUE_URL: z.url(),
  TIME_ZONE: timeZone(),
  POSTAL_ADDRESS: required(),
  BATCH_SIZE: z.coerce.number().int().min(1).max(200).default(50),
  ...listEnvironment,
});

const s3 = createS3Client();
const dynamo = createDocumentClient(process.env.AWS_ENDPOINT_URL_DYNAMODB);
// The queue is the last thing a run needs, and only when the week has something to send: its
// client loads then, not at every cold start.
const queue = once(async () => {
  const adapter = await import('../src/adapters/sqs-queue.js');
  return { adapter, client: await adapter.createSqsClient() };
});
const here = dirname(fileURLToPath(import.meta.url));
// The bundle carries the templates beside index.mjs; run from source, the project's own.
const templatesFolder = existsSync(join(here, 'templates')) ? join(here, 'templates') : BUNDLED_TEMPLATES;
let templates: ReturnType<typeof compileTemplates> | undefined;

const eventSchema = z.looseObject({
  week: z
    .string()
    .regex(/^\d{4}-W\d{2}$/, 'an ISO week such as 2026-W47')
    .optional(),
});

/** Weekly schedule (or a manual `{ "week": "2026-W47" }`): build, archive, queue the recipients. */
export const handler = async (event: unknown, context?: Context) => {
  if (context) logger.addContext(context);
  const request = eventSchema.safeParse(event ?? {});
  if (!request.success)
    throw new UsageError(
      `the event must look like { "week": "2026-W47" }: ${request.error.issues[0]?.message}`,
    );
  templates ??= compileTemplates(await loadTemplates(undefined, templatesFolder));
  const subscribers = new DynamoSubscriberStore(dynamo, env.SUBSCRIBERS_TABLE);
  const issues = new DynamoIssueStore(dynamo, env.ISSUES_TABLE);
  const archive = issueArchive(s3, env.BUCKET, env.ARCHIVE_PREFIX);

  const result = await buildIssue(
    { week: request.data.week },
    {
      now: new Date(),
      timeZone: env.TIME_ZONE,
      maxBytes: DEFAULT_MAX_BRIEFING_BYTES,
      publication: { newsletterName: env.NEWSLETTER_NAME, postalAddress: env.POSTAL_ADDRESS },
      unsubscribeUrl: env.UNSUBSCRIBE_URL,
      archiveUrl: env.ARCHIVE_URL,
    },
    {
      templates,
      briefings: s3Source(
        { bucket: env.BUCKET, prefix: env.BRIEFINGS_PREFIX },
        { maxBytes: DEFAULT_MAX_BRIEFING_BYTES, client: s3 },
      ),
      archive: (issueId, files) => archive.write(issueId, files),
      publish: (issue) => archive.publish(issue),
      issues,
      activeRecipients: async function* () {
        for await (const subscriber of subscribers.all())
          if (subscriber.status === 'active') yield subscriber.email;
      },
      enqueue: (issueId, recipients) =>
        queue().then(({ adapter, client }) =>
          adapter.enqueueRecipients(client, env.QUEUE_URL, issueId, recipients, env.BATCH_SIZE),
        ),
    },
  );

  if (result.status === 'no-briefings') {
    logger.warn('No briefings for this week: nothing is sent', {
      issueId: result.issueId,
      skipped: result.skipped,
    });
  } else if (result.status === 'already-enqueued') {
    logger.info('This issue was already queued: nothing new is queued', { issueId: result.issueId });
  } else {
    logger.info('Issue built, archived and queued', {
      ...result,
      viewInBrowser: archiveLink(env.ARCHIVE_URL, result.issueId),
    });
    metrics.addMetric('RecipientsQueued', MetricUnit.Count, result.recipients);
  }
  metrics.publishStoredMetrics();
  return result;
};
