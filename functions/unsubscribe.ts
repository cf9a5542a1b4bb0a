import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { maskAddress } from '../src/core/delivery/address.js';
import { handlePage } from '../src/workflows/unsubscribe-page.js';
import { readEnvironment, required } from './commons/environment.js';
import { once } from './commons/lazy.js';
import { logger, MetricUnit, metrics } from './commons/observability.js';
import { unsubscribeSecret } from './commons/secret.js';

const env = readEnvironment({
  BUCKET: required(),
  ARCHIVE_PREFIX: required(),
  SUBSCRIBERS_TABLE: required(),
  LIST_ID: required(),
  NEWSLETTER_NAME: required(),
  UNSUBSCRIBE_SECRET_ARN: required().optional(),
});

// Each request needs one of DynamoDB (unsubscribe) or S3 (view in browser): load each on first use.
const subscribers = once(async () => {
  const [{ createDocumentClient }, { DynamoSubscriberStore }] = await Promise.all([
    import('../src/adapters/dynamodb.js'),
    import('../src/adapters/subscribers-dynamodb.js'),
  ]);
  return new DynamoSubscriberStore(
    createDocumentClient(process.env.AWS_ENDPOINT_URL_DYNAMODB),
    env.SUBSCRIBERS_TABLE,
  );
});
const archive = once(async () => {
  const [{ createS3Client }, { issueArchive }] = await Promise.all([
    import('../src/adapters/s3-source.js'),
    import('./commons/archive.js'),
  ]);
  return issueArchive(createS3Client(), env.BUCKET, env.ARCHIVE_PREFIX);
});

/** Function URL: the unsubscribe page, RFC 8058 one-click POST, and the view-in-browser archive. */
export const handler = async (event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> => {
  const body = event.body
    ? event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body
    : '';
  const response = await handlePage(
    {
      method: event.requestContext.http.method,
      path: event.rawPath || '/',
      query: event.queryStringParameters ?? {},
      body,
      contentType: event.headers?.['content-type'],
    },
    {
      secret: () => unsubscribeSecret(env.UNSUBSCRIBE_SECRET_ARN),
      listId: env.LIST_ID,
      newsletterName: env.NEWSLETTER_NAME,
      unsubscribe: async (email) => {
        await (await subscribers()).setStatus(email, 'unsubscribed', new Date().toISOString());
        logger.info('Unsubscribed', { recipient: maskAddress(email) });
        metrics.addMetric('Unsubscribed', MetricUnit.Count, 1);
        metrics.publishStoredMetrics();
      },
      archivedIssue: async (issueId) => (await archive()).read(issueId, 'digest.html'),
    },
  );
  return { statusCode: response.status, headers: response.headers, body: response.body };
};
