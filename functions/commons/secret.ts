import { ConfigError } from '../../src/core/errors.js';

let cached: Promise<string> | undefined;

/**
 * The unsubscribe-token secret, read from Secrets Manager once per cold start. Tests and local
 * runs may give it directly as UNSUBSCRIBE_SECRET.
 */
export function unsubscribeSecret(secretArn: string | undefined): Promise<string> {
  cached ??= (async () => {
    if (process.env.UNSUBSCRIBE_SECRET) return process.env.UNSUBSCRIBE_SECRET;
    if (!secretArn) throw new ConfigError('UNSUBSCRIBE_SECRET_ARN is not set: redeploy the stack');
    // Loaded on first use: module import stays fast, and only cold starts that need it pay.
    const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
    const client = new SecretsManagerClient({});
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    if (!SecretString || SecretString.length < 16)
      throw new ConfigError('the unsubscribe secret is empty or too short: rotate it in Secrets Manager');
    return SecretString;
  })();
  cached.catch(() => {
    cached = undefined;
  });
  return cached;
}
