import {
  GetSendQuotaCommand,
  SESClient,
  type SESClientConfig,
  SendRawEmailCommand,
} from '@aws-sdk/client-ses';
import {
  DeliveryFailure,
  type DeliveryFailureKind,
  type Outbox,
  type OutgoingMessage,
} from '../core/delivery/outbox.js';
import { awsRegion } from './aws-region.js';
import { type RequestProgress, trackingAgents, trackRequest } from './request-progress.js';

export interface SesOutboxOptions {
  configurationSetName?: string;
  endpoint?: string;
  /** How long to wait for SES to answer one message, in milliseconds (default 30 s). */
  timeoutMs?: number;
  /** Connections kept open to SES: the most messages in flight. */
  maxSockets?: number;
  client?: SESClient;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * An SES client from the standard chain. Retries are ours (rate-aware, with jitter, and only
 * where they cannot duplicate), so the SDK's are off; its agents note how far each request got.
 */
export function createSesClient(
  options: Omit<SesOutboxOptions, 'client' | 'configurationSetName'> = {},
): SESClient {
  const config: SESClientConfig = {
    region: awsRegion(),
    maxAttempts: 1,
    requestHandler: {
      ...trackingAgents(options.maxSockets ?? 50),
      connectionTimeout: CONNECT_TIMEOUT_MS,
      requestTimeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      throwOnRequestTimeout: true,
    },
  };
  const override = options.endpoint ?? process.env.AWS_ENDPOINT_URL_SES;
  if (override) config.endpoint = override;
  return new SESClient(config);
}

/** Sends through Amazon SES (`SendRawEmail`), naming the configuration set that reports bounces and complaints. */
export class SesOutbox implements Outbox {
  readonly client: SESClient;
  readonly destination: string;

  constructor(private readonly options: SesOutboxOptions = {}) {
    this.client = options.client ?? createSesClient(options);
    // SES and its configuration set name the destination; the endpoint and region do not, so a
    // changed endpoint URL (a VPC endpoint, a proxy) can never make a re-run send twice.
    this.destination = options.configurationSetName ? `ses/${options.configurationSetName}` : 'ses';
  }

  async send(message: OutgoingMessage): Promise<{ messageId: string }> {
    const result = await trackRequest(() =>
      this.client.send(
        new SendRawEmailCommand({
          RawMessage: { Data: message.raw },
          Source: message.from,
          Destinations: [message.to],
          ...(this.options.configurationSetName
            ? { ConfigurationSetName: this.options.configurationSetName }
            : {}),
        }),
      ),
    );
    if (result.ok) return { messageId: result.value.MessageId ?? message.messageId };
    throw classifySesError(result.error, message.from, this.options.client ? undefined : result.progress);
  }

  /** The account's maximum send rate, or why SES did not say (a local stand-in never answers). */
  async maxSendRate(): Promise<{ rate: number } | { reason: string }> {
    try {
      const quota = await this.client.send(new GetSendQuotaCommand({}), {
        abortSignal: AbortSignal.timeout(CONNECT_TIMEOUT_MS),
      });
      if (quota.MaxSendRate && quota.MaxSendRate > 0) return { rate: quota.MaxSendRate };
      return { reason: 'SES reported no maximum send rate' };
    } catch (error) {
      const name = (error as { name?: string }).name ?? 'Error';
      const why =
        name === 'AbortError'
          ? `no answer within ${CONNECT_TIMEOUT_MS / 1000} s`
          : `${name}: ${(error as Error).message}`;
      return { reason: `GetSendQuota failed (${why})` };
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

/**
 * Sorts an SES error into what the sender does next, from what SES said and, when it said
 * nothing, from how far the request got. Account-level errors carry the action to take, because
 * nothing more can be sent until someone takes it.
 */
export function classifySesError(error: unknown, from: string, progress?: RequestProgress): DeliveryFailure {
  const name = (error as { name?: string }).name ?? 'Error';
  const message = String((error as Error).message ?? error);
  const code = (error as { code?: string }).code;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0;
  const fail = (kind: DeliveryFailureKind, text: string) => new DeliveryFailure(kind, text, { cause: error });
  const detail = code && !message.includes(code) ? `${code}: ${message}` : message;

  if (CREDENTIAL_ERRORS.has(name)) {
    return fail(
      'account',
      `AWS credentials are missing or invalid (${name}): configure them (aws configure, or AWS_PROFILE / AWS_ACCESS_KEY_ID) and run again`,
    );
  }
  // An HTTP status means SES answered; without one, how far the request got decides. A client
  // that was handed in is not tracked: then an error without an answer may have been sent.
  if (status === 0 && !progress?.answered) {
    if (progress && !progress.written)
      return fail(
        'unreachable',
        `cannot reach SES (${detail}): check the network, the region and any --ses-endpoint, then run again`,
      );
    return fail('unconfirmed', `SES's answer was lost (${detail}): SES may have taken the message`);
  }
  if (/daily message quota exceeded/i.test(message)) {
    return fail(
      'account',
      'SES daily sending quota is used up: run `digest send` again tomorrow, or ask AWS for a higher quota',
    );
  }
  if (
    name === 'Throttling' ||
    name === 'ThrottlingException' ||
    /maximum sending rate exceeded/i.test(message)
  ) {
    return fail('throttled', `${name}: ${message}`);
  }
  if (name === 'AccountSendingPausedException') {
    return fail(
      'account',
      'SES sending is paused for this account: see the SES console (reputation dashboard) before sending again',
    );
  }
  if (name === 'ConfigurationSetDoesNotExistException' || name === 'ConfigurationSetSendingPausedException') {
    return fail(
      'account',
      `SES configuration set problem (${name}): check the configuration set the stack created`,
    );
  }
  if (
    name === 'MailFromDomainNotVerifiedException' ||
    (name === 'MessageRejected' && /not verified/i.test(message) && message.includes(addressOf(from)))
  ) {
    return fail(
      'account',
      `the sender ${addressOf(from)} is not verified in SES: verify the domain (see README "Deploy") and try again`,
    );
  }
  if (ACCESS_ERRORS.has(name)) {
    return fail(
      'account',
      `SES refused the credentials (${name}): check AWS credentials and the ses:SendRawEmail permission`,
    );
  }
  if (name === 'MessageRejected' || name === 'InvalidParameterValue')
    return fail('permanent', `${name}: ${message}`);
  // A server error, or an answer that could not be read, does not say the message was not taken.
  if (status >= 500 || status < 400)
    return fail(
      'unconfirmed',
      `SES answered ${status || 'unreadably'} (${name}): SES may have taken the message`,
    );
  return fail('permanent', `${name}: ${message}`);
}

const CREDENTIAL_ERRORS = new Set(['CredentialsProviderError', 'ExpiredToken', 'ExpiredTokenException']);
const ACCESS_ERRORS = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
]);

function addressOf(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1] ?? from.trim();
}
