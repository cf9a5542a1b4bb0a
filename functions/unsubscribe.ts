import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { createDocumentClient } from '../src/adapters/dynamodb.js';
import { createS3Client } from '../src/adapters/s3-source.js';
import { DynamoSubscriberStore } from '../src/adapters/subscribers-dynamodb.js';
import { maskAddress } from '../src/core/address.js';
import { handlePage } from '../src/workflows/unsubscribe-page.js';
import { issueArchive } from './commons/archive.js';
import { readEnvironment, required } from './commons/environment.js';
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

const subscribers = new DynamoSubscriberStore(
  createDocumentClient(process.env.AWS_ENDPOINT_URL_DYNAMODB),
  env.SUBSCRIBERS_TABLE,
);
const archive = issueArchive(createS3Client(), env.BUCKET, env.ARCHIVE_PREFIX);

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
    },
    {
      secret: () => unsubscribeSecret(env.UNSUBSCRIBE_SECRET_ARN),
      listId: env.LIST_ID,
      newsletterName: env.NEWSLETTER_NAME,
      unsubscribe: async (email) => {
        await subscribers.setStatus(email, 'unsubscribed', new Date().toISOString());
        logger.info('Unsubscribed', { recipient: maskAddress(email) });
        metrics.addMetric('Unsubscribed', MetricUnit.Count, 1);
        metrics.publishStoredMetrics();
      },
      archivedIssue: (issueId) => archive.read(issueId, 'digest.html'),
    },
  );
  return { statusCode: response.status, headers: response.headers, body: response.body };
};
