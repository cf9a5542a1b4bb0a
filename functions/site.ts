import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import * as z from 'zod';
import { maskAddress } from '../src/core/delivery/address.js';
import { handleSiteRequest } from '../src/site/router.js';
import { unsubscribeAddress } from '../src/workflows/sign-up.js';
import { clock } from './commons/clock.js';
import { readEnvironment, required, timeZone } from './commons/environment.js';
import { once } from './commons/lazy.js';
import { logger, MetricUnit, metrics } from './commons/observability.js';
import { unsubscribeSecret } from './commons/secret.js';

const env = readEnvironment({
  BUCKET: required(),
  ARCHIVE_PREFIX: required(),
  SUBSCRIBERS_TABLE: required(),
  RATE_LIMIT_TABLE: required(),
  LIST_ID: required(),
  NEWSLETTER_NAME: required(),
  SENDER: required(),
  TIME_ZONE: timeZone(),
  SITE_URL: z.url().optional(),
  CONFIGURATION_SET: required().optional(),
  UNSUBSCRIBE_SECRET_ARN: required().optional(),
  /** Set together when approval is on: the approve link records the approval and starts the send. */
  ISSUES_TABLE: required().optional(),
  BUILD_FUNCTION_NAME: required().optional(),
});

// Each request needs at most one or two of DynamoDB, S3 and SES: each loads on first use.
const dynamo = once(async () => {
  const [{ createDocumentClient }, { DynamoSubscriberStore }, { DynamoRateLimiter }] = await Promise.all([
    import('../src/adapters/dynamodb.js'),
    import('../src/adapters/subscribers-dynamodb.js'),
    import('../src/adapters/rate-limit-dynamodb.js'),
  ]);
  const client = createDocumentClient(process.env.AWS_ENDPOINT_URL_DYNAMODB);
  return {
    store: new DynamoSubscriberStore(client, env.SUBSCRIBERS_TABLE),
    limiter: new DynamoRateLimiter(client, env.RATE_LIMIT_TABLE),
  };
});
const approvals = once(async () => {
  const [{ createDocumentClient }, { DynamoIssueStore }, { approvedSendStarter }, { approveIssue }] =
    await Promise.all([
      import('../src/adapters/dynamodb.js'),
      import('../src/adapters/issues-dynamodb.js'),
      import('../src/adapters/lambda-invoke.js'),
      import('../src/workflows/approval.js'),
    ]);
  const issues = new DynamoIssueStore(
    createDocumentClient(process.env.AWS_ENDPOINT_URL_DYNAMODB),
    env.ISSUES_TABLE ?? '',
  );
  const startSend = approvedSendStarter(env.BUILD_FUNCTION_NAME ?? '');
  return {
    issue: (issueId: string) => issues.get(issueId),
    approve: (issueId: string) =>
      approveIssue(issueId, 'approve link', { issues, startSend, now: () => clock.now() }),
  };
});
const archive = once(async () => {
  const [{ createS3Client }, { s3Archive }] = await Promise.all([
    import('../src/adapters/s3-source.js'),
    import('../src/adapters/archive-s3.js'),
  ]);
  return s3Archive(
    createS3Client(),
    { bucket: env.BUCKET, prefix: env.ARCHIVE_PREFIX },
    {
      onIndexProblem: (problem) =>
        problem.reason === 'missing' ? logger.info(problem.message) : logger.warn(problem.message),
    },
  );
});
const confirmations = once(async () => {
  const [{ SesOutbox }, { confirmationMail }] = await Promise.all([
    import('../src/adapters/outbox-ses.js'),
    import('../src/workflows/confirmation-mail.js'),
  ]);
  const outbox = new SesOutbox({
    timeoutMs: 5_000,
    ...(env.CONFIGURATION_SET ? { configurationSetName: env.CONFIGURATION_SET } : {}),
  });
  return confirmationMail(outbox, { from: env.SENDER, newsletterName: env.NEWSLETTER_NAME });
});

/**
 * Function URL: the list's public site (sign-up with double opt-in, confirmation, unsubscribe
 * page and RFC 8058 one-click, the archive, and the approve links of draft copies).
 */
export const handler = async (event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> => {
  const body = event.body
    ? event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body
    : '';
  // Links in confirmation messages, the archive and the feed point at the site's own address
  // (a domain in front of the Function URL), or else at the address this request came to.
  const origin = (env.SITE_URL ?? `https://${event.requestContext.domainName}`).replace(/\/+$/, '');
  const response = await handleSiteRequest(
    {
      method: event.requestContext.http.method,
      path: event.rawPath || '/',
      query: event.queryStringParameters ?? {},
      body,
      contentType: event.headers?.['content-type'],
      sourceIp: viewerAddress(event) ?? event.requestContext.http.sourceIp,
    },
    {
      secret: () => unsubscribeSecret(env.UNSUBSCRIBE_SECRET_ARN),
      listId: env.LIST_ID,
      newsletterName: env.NEWSLETTER_NAME,
      store: { update: async (email, change) => (await dynamo()).store.update(email, change) },
      limiter: { allow: async (key, limit, now) => (await dynamo()).limiter.allow(key, limit, now) },
      confirmUrl: (token) => `${origin}/confirm?t=${encodeURIComponent(token)}`,
      sendConfirmation: async (to, url) => (await confirmations())(to, url),
      now: () => clock.now(),
      log: (message, details) => logger.info(message, details),
      // Longer than a confirmation takes to hand to SES: no answer's timing tells a known address.
      minimumAnswerMs: 600,
      unsubscribe: async (email) => {
        const done = await unsubscribeAddress(email, {
          store: (await dynamo()).store,
          now: () => clock.now(),
        });
        logger.info(done ? 'Unsubscribed' : 'Unsubscribe of an address not on the list, or suppressed', {
          recipient: maskAddress(email),
        });
        if (done) metrics.addMetric('Unsubscribed', MetricUnit.Count, 1);
      },
      siteUrl: origin,
      timeZone: env.TIME_ZONE,
      archive: {
        issues: async () => (await archive()).issues(),
        html: async (issueId) => (await archive()).html(issueId),
      },
      ...(env.ISSUES_TABLE && env.BUILD_FUNCTION_NAME
        ? {
            approvals: {
              issue: async (issueId) => (await approvals()).issue(issueId),
              approve: async (issueId) => {
                const result = await (await approvals()).approve(issueId);
                if (result.outcome === 'approved' || result.outcome === 'approved-after-hold')
                  metrics.addMetric('IssuesApproved', MetricUnit.Count, 1);
                return result;
              },
              // The draft is archived but not yet in the index, so it is read directly.
              draftHtml: async (issueId) => (await archive()).html(issueId),
            },
          }
        : {}),
    },
  );
  metrics.publishStoredMetrics();
  return { statusCode: response.status, headers: response.headers, body: response.body };
};

/**
 * Behind CloudFront (a `SITE_URL` is set) every request comes from an edge address; the reader's
 * own is in `CloudFront-Viewer-Address` (`ip:port`, once the origin request policy forwards it),
 * and the rate limit counts that.
 */
function viewerAddress(event: LambdaFunctionURLEvent): string | undefined {
  const viewer = env.SITE_URL ? event.headers?.['cloudfront-viewer-address'] : undefined;
  return viewer?.replace(/:\d+$/, '');
}
