import type { SNSEvent } from 'aws-lambda';
import { createDocumentClient } from '../src/adapters/dynamodb.js';
import { DynamoSubscriberStore } from '../src/adapters/subscribers-dynamodb.js';
import { maskAddress } from '../src/core/delivery/address.js';
import { readFeedback } from '../src/workflows/feedback.js';
import { readEnvironment, required } from './commons/environment.js';
import { logger, MetricUnit, metrics } from './commons/observability.js';

const env = readEnvironment({ SUBSCRIBERS_TABLE: required() });
const subscribers = new DynamoSubscriberStore(
  createDocumentClient(process.env.AWS_ENDPOINT_URL_DYNAMODB),
  env.SUBSCRIBERS_TABLE,
);

/** SES bounce and complaint events (via SNS): suppress hard bounces and complaints, count soft bounces. */
export const handler = async (event: SNSEvent) => {
  const outcome = readFeedback(event.Records.map((record) => record.Sns.Message));
  const now = new Date().toISOString();
  for (const { email, status } of outcome.suppressed) {
    const known = await subscribers.setStatus(email, status, now);
    logger.info(
      status === 'bounced' ? 'Permanent bounce: address suppressed' : 'Complaint: address suppressed',
      { recipient: maskAddress(email), known },
    );
  }
  metrics.addMetric(
    'PermanentBounces',
    MetricUnit.Count,
    outcome.suppressed.filter((entry) => entry.status === 'bounced').length,
  );
  metrics.addMetric(
    'Complaints',
    MetricUnit.Count,
    outcome.suppressed.filter((entry) => entry.status === 'complained').length,
  );
  metrics.addMetric('TransientBounces', MetricUnit.Count, outcome.transientBounces);
  metrics.publishStoredMetrics();
  return outcome.suppressed.length;
};
