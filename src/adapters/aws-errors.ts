/**
 * What to do about an AWS SDK error, in the words every adapter uses: credentials, access,
 * network and endpoint problems read the same whether S3, DynamoDB or SES raised them.
 * Service-specific problems (a missing bucket or table) are named by the caller.
 */
export function awsHint(
  error: unknown,
  service: 'S3' | 'DynamoDB' | 'SES' | 'Lambda' | 'CloudFormation',
  endpointFlag: string,
): string | undefined {
  const name = (error as { name?: string }).name ?? '';
  const message = String((error as Error).message ?? error);
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message))
    return 'no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
  if (/^(?:ExpiredToken|ExpiredTokenException|RequestExpired)$/.test(name))
    return 'the AWS credentials have expired: sign in again (aws sso login) or renew them';
  if (
    /^(?:AccessDenied|AccessDeniedException|InvalidAccessKeyId|SignatureDoesNotMatch|UnrecognizedClientException|InvalidClientTokenId)$/.test(
      name,
    )
  )
    return `access denied: check your AWS credentials, the region (AWS_REGION) and the IAM permissions for ${service}`;
  if (
    /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|ETIMEDOUT/.test(
      `${(error as { code?: string }).code ?? ''} ${message}`,
    ) ||
    name === 'TimeoutError'
  )
    return `cannot reach ${service}: check the network, the region (AWS_REGION) and ${endpointFlag}`;
  return undefined;
}
