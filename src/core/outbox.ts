/** Where finished messages go: a folder of .eml files, or Amazon SES. */
export interface Outbox {
  /** Sends one raw RFC 5322 message; resolves with the provider's message id. */
  send(message: OutgoingMessage): Promise<{ messageId: string }>;
  /** The provider's maximum send rate per second, when it has one. */
  maxSendRate?(): Promise<number | undefined>;
  close?(): Promise<void>;
}

export interface OutgoingMessage {
  to: string;
  from: string;
  raw: Buffer;
  /** The Message-ID header, for outboxes that have no id of their own. */
  messageId: string;
}

/**
 * How a send failed, which decides what happens next:
 * - `throttled`, `transient`: retry after a backoff;
 * - `permanent`: this recipient failed, the run goes on;
 * - `account`: nothing can be sent (sending paused, sender not verified, quota used up): stop.
 */
export type DeliveryFailureKind = 'throttled' | 'transient' | 'permanent' | 'account';

export class DeliveryFailure extends Error {
  override name = 'DeliveryFailure';
  constructor(
    readonly kind: DeliveryFailureKind,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
