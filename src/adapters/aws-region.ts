/**
 * The region for AWS clients: the standard environment variables, else us-east-1, so a local
 * run against local servers works with nothing configured.
 */
export function awsRegion(): string {
  return process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
}
