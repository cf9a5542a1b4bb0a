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
import { approvalPolicy } from '../src/core/delivery/approval.js';
import { isIssueId } from '../src/core/delivery/archive.js';
import { ConfigError, UsageError } from '../src/core/errors.js';
import { DEFAULT_MAX_BRIEFING_BYTES } from '../src/core/ingest/briefing.js';
import { compileTemplates } from '../src/core/render/render.js';
import {
  type ApprovedSendResult,
  releaseDueIssues,
  type SendPorts,
  sendApprovedIssue,
} from '../src/workflows/approved-send.js';
import { buildIssue } from '../src/workflows/build-issue.js';
import { issueArchive } from './commons/archive.js';
import { clock } from './commons/clock.js';
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
  /** `required`: every issue waits for approval; `auto`: sent at once, or at the end of the window. */
  APPROVAL: z.enum(['required', 'auto']).default('auto'),
  APPROVAL_WINDOW_HOURS: z.coerce.number().min(0).max(168).default(0),
  /** Who gets the `[Draft]` copies, comma-separated. */
  EDITOR_EMAILS: z.string().default(''),
  ...listEnvironment,
});
const approval = {
  policy: approvalPolicy(env.APPROVAL, env.APPROVAL_WINDOW_HOURS),
  editors: env.EDITOR_EMAILS.split(',')
    .map((address) => address.trim())
    .filter(Boolean),
};
if (approval.policy.kind !== 'none' && approval.editors.length === 0)
  throw new ConfigError(
    'approval is on but EDITOR_EMAILS is empty: redeploy the stack with editorEmails set',
  );

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
  approve: z.string().refine(isIssueId, 'an issue id such as 2026-W47').optional(),
  release: z.literal(true).optional(),
});
const EVENT_SHAPES = '{ "week": "2026-W47" }, { "approve": "2026-W47" } or { "release": true }';

/**
 * The weekly schedule (or a manual `{ "week": "2026-W47" }`): build, archive, and queue the
 * recipients, or, with approval on, make a draft and queue its copies for the editors.
 * `{ "approve": "2026-W47" }` (the site, `digest approve`): queue an approved issue.
 * `{ "release": true }` (the release schedule): queue the drafts whose window has ended.
 */
export const handler = async (event: unknown, context?: Context) => {
  if (context) logger.addContext(context);
  const request = eventSchema.safeParse(event ?? {});
  if (!request.success)
    throw new UsageError(`the event must look like ${EVENT_SHAPES}: ${request.error.issues[0]?.message}`);
  const { week, approve, release } = request.data;
  if ([week, approve, release].filter((value) => value !== undefined).length > 1)
    throw new UsageError(`the event must be one of ${EVENT_SHAPES}, not several at once`);
  const subscribers = new DynamoSubscriberStore(dynamo, env.SUBSCRIBERS_TABLE);
  const archive = issueArchive(s3, env.BUCKET, env.ARCHIVE_PREFIX);
  const sending: SendPorts = {
    issues: new DynamoIssueStore(dynamo, env.ISSUES_TABLE),
    publish: (issue) => archive.publish(issue),
    activeRecipients: async function* () {
      for await (const subscriber of subscribers.all())
        if (subscriber.status === 'active') yield subscriber.email;
    },
    enqueue: (issueId, recipients) =>
      queue().then(({ adapter, client }) =>
        adapter.enqueueRecipients(client, env.QUEUE_URL, issueId, recipients, env.BATCH_SIZE),
      ),
  };

  if (approve !== undefined) {
    const result = await sendApprovedIssue(approve, clock.now(), sending);
    reportSend(result, 'Approved issue');
    metrics.publishStoredMetrics();
    return result;
  }
  if (release) {
    const result = await releaseDueIssues(clock.now(), sending);
    for (const sent of result.released) reportSend(sent, 'Window ended, issue released');
    for (const sent of result.resumed) reportSend(sent, 'Approved issue whose send had stopped');
    if (result.released.length + result.resumed.length === 0) logger.debug('Nothing to release');
    metrics.publishStoredMetrics();
    return result;
  }

  templates ??= compileTemplates(await loadTemplates(undefined, templatesFolder));
  const result = await buildIssue(
    { week },
    {
      now: clock.now(),
      timeZone: env.TIME_ZONE,
      maxBytes: DEFAULT_MAX_BRIEFING_BYTES,
      publication: { newsletterName: env.NEWSLETTER_NAME, postalAddress: env.POSTAL_ADDRESS },
      unsubscribeUrl: env.UNSUBSCRIBE_URL,
      archiveUrl: env.ARCHIVE_URL,
      approval,
    },
    {
      ...sending,
      templates,
      briefings: s3Source(
        { bucket: env.BUCKET, prefix: env.BRIEFINGS_PREFIX },
        { maxBytes: DEFAULT_MAX_BRIEFING_BYTES, client: s3 },
      ),
      archive: (issueId, files) => archive.write(issueId, files),
      notifyEditors: async (draft, editors) => {
        const { adapter, client } = await queue();
        await adapter.enqueueRecipients(
          client,
          env.QUEUE_URL,
          draft.issueId,
          (async function* () {
            yield* editors;
          })(),
          env.BATCH_SIZE,
          {
            copy: 'draft',
            ...(draft.linkExpiresAt ? { linkExpiresAt: draft.linkExpiresAt } : {}),
            ...(draft.releaseAt ? { releaseAt: draft.releaseAt } : {}),
          },
        );
      },
    },
  );

  switch (result.status) {
    case 'no-briefings':
      logger.warn('No briefings for this week: nothing is sent', {
        issueId: result.issueId,
        skipped: result.skipped,
      });
      break;
    case 'already-enqueued':
      logger.info('This issue was already queued: nothing new is queued', { issueId: result.issueId });
      break;
    case 'already-drafted':
      logger.info('This issue is a draft already: it is not built again', { ...result });
      break;
    case 'approved-send':
      reportSend(result.send, 'Approved issue found unsent');
      break;
    case 'draft':
      logger.info('Draft built and archived; its copies are queued for the editors', {
        ...result,
        approval: approval.policy.kind,
        viewInBrowser: archiveLink(env.ARCHIVE_URL, result.issueId),
      });
      break;
    case 'enqueued':
      logger.info('Issue built, archived and queued', {
        ...result,
        viewInBrowser: archiveLink(env.ARCHIVE_URL, result.issueId),
      });
      metrics.addMetric('RecipientsQueued', MetricUnit.Count, result.recipients);
  }
  metrics.publishStoredMetrics();
  return result;
};

/** Logs what sending an approved issue did (and counts the recipients it queued). */
function reportSend(result: ApprovedSendResult, what: string): void {
  if (result.status === 'enqueued') {
    logger.info(`${what}: queued`, { ...result });
    metrics.addMetric('RecipientsQueued', MetricUnit.Count, result.recipients);
  } else if (result.status === 'not-approved' || result.status === 'unknown')
    logger.warn(
      `${what}: not sent (${result.status === 'unknown' ? 'no such issue' : 'it is not approved'})`,
      {
        ...result,
      },
    );
  else logger.info(`${what}: nothing new queued (${result.status})`, { ...result });
}
