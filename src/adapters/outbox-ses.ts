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
} from '../core/outbox.js';
import { awsRegion } from './aws-region.js';

export interface SesOutboxOptions {
  configurationSetName?: string;
  endpoint?: string;
  client?: SESClient;
}

/** An SES client from the standard chain. Retries are ours (rate-aware, with jitter), so the SDK's are off. */
export function createSesClient(endpoint?: string): SESClient {
  const config: SESClientConfig = {
    region: awsRegion(),
    maxAttempts: 1,
  };
  const override = endpoint ?? process.env.AWS_ENDPOINT_URL_SES;
  if (override) config.endpoint = override;
  return new SESClient(config);
}

/** Sends through Amazon SES (`SendRawEmail`), naming the configuration set that reports bounces and complaints. */
export class SesOutbox implements Outbox {
  readonly client: SESClient;

  constructor(private readonly options: SesOutboxOptions = {}) {
    this.client = options.client ?? createSesClient(options.endpoint);
  }

  async send(message: OutgoingMessage): Promise<{ messageId: string }> {
    try {
      const response = await this.client.send(
        new SendRawEmailCommand({
          RawMessage: { Data: message.raw },
          Source: message.from,
          Destinations: [message.to],
          ...(this.options.configurationSetName
            ? { ConfigurationSetName: this.options.configurationSetName }
            : {}),
        }),
      );
      return { messageId: response.MessageId ?? message.messageId };
    } catch (error) {
      throw classifySesError(error, message.from);
    }
  }

  /** The account's maximum send rate, or undefined when SES does not say (a local server). */
  async maxSendRate(): Promise<number | undefined> {
    try {
      // Some SES stand-ins never answer this call: don't wait long for it.
      const quota = await this.client.send(new GetSendQuotaCommand({}), {
        abortSignal: AbortSignal.timeout(5000),
      });
      return quota.MaxSendRate && quota.MaxSendRate > 0 ? quota.MaxSendRate : undefined;
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

/**
 * Sorts an SES error into what the sender does next. Account-level errors carry the action to
 * take, because nothing more can be sent until someone takes it.
 */
export function classifySesError(error: unknown, from: string): DeliveryFailure {
  const name = (error as { name?: string }).name ?? 'Error';
  const message = String((error as Error).message ?? error);
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0;
  const fail = (kind: DeliveryFailureKind, text: string) => new DeliveryFailure(kind, text, { cause: error });

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
  if (name === 'MessageRejected' || name === 'InvalidParameterValue')
    return fail('permanent', `${name}: ${message}`);
  if (status >= 500 || status === 0 || name === 'ServiceUnavailable' || name === 'TimeoutError')
    return fail('transient', `${name}: ${message}`);
  if (
    name === 'AccessDenied' ||
    name === 'AccessDeniedException' ||
    name === 'UnrecognizedClientException' ||
    name === 'InvalidClientTokenId' ||
    name === 'CredentialsProviderError'
  ) {
    return fail(
      'account',
      `SES refused the credentials (${name}): check AWS credentials and the ses:SendRawEmail permission`,
    );
  }
  return fail('permanent', `${name}: ${message}`);
}

function addressOf(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1] ?? from.trim();
}
