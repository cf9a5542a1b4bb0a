import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** Structured JSON logs and CloudWatch metrics (EMF), shared by every function. */
export const logger = new Logger({ serviceName: 'weekly-digest' });
export const metrics = new Metrics({ namespace: 'WeeklyDigest', serviceName: 'weekly-digest' });
export { MetricUnit };
