/** Where finished messages go: a folder of .eml files, or Amazon SES. */
export interface Outbox {
  /**
   * Where messages go (`file:/abs/folder`, `ses:eu-west-1/config-set`). The ledger keeps one
   * exactly-once record per destination, so a rehearsal into files never blocks the real send.
   */
  readonly destination: string;
  /** Sends one raw RFC 5322 message; resolves with the provider's message id. */
  send(message: OutgoingMessage): Promise<{ messageId: string }>;
  /** The provider's maximum send rate per second, or why it could not be had. */
  maxSendRate?(): Promise<{ rate: number } | { reason: string }>;
  /**
   * Whether this exact message is already in the outbox, for outboxes that can tell (a folder of
   * files can; SES cannot): resolves a claim an interrupted run left without an outcome.
   */
  confirm?(message: OutgoingMessage): Promise<boolean>;
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
 * - `throttled`: the provider said no for now; retry after a backoff;
 * - `transient`: a local problem (a disk error writing a file); retry after a backoff;
 * - `unreachable`: the request never fully left this machine (refused, DNS, TLS), so nothing was
 *   sent: retry briefly, and when the provider stays out of reach, stop the run;
 * - `unconfirmed`: the request went out and its answer was lost (reset, timeout, a 5xx): the
 *   provider may have taken the message, so it is not retried, and the recipient is reported;
 * - `permanent`: this recipient failed, the run goes on;
 * - `account`: nothing can be sent (credentials, sending paused, sender not verified, quota used
 *   up): stop with what to do.
 */
export type DeliveryFailureKind =
  | 'throttled'
  | 'transient'
  | 'unreachable'
  | 'unconfirmed'
  | 'permanent'
  | 'account';

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
