import { createHash } from 'node:crypto';
import { DigestError } from '../errors.js';

/**
 * A subscriber as every store keeps it. Only `active` subscribers get mail. `pending` signed up on
 * the public form and has not confirmed yet; `forgotten` is the suppression entry left where an
 * address was erased (`forgottenKey`): it holds no address, only its hash.
 */
export const SUBSCRIBER_STATUSES = [
  'active',
  'pending',
  'unsubscribed',
  'bounced',
  'complained',
  'forgotten',
] as const;
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];

/**
 * Reads a status as a store holds it (any case). A status this version does not know — a later
 * version's, or a hand-edited `paused` — comes back `undefined`, and such an address is
 * suppressed: stores keep it as they found it and never hand it out as a `Subscriber`, so it gets
 * no mail; an import leaves it alone (`kept-suppressed`); only an explicit `setStatus` (a
 * confirmation or an unsubscribe) gives it a known status again.
 *
 * @example
 * knownStatus('Bounced') // 'bounced'
 * knownStatus('paused') // undefined: suppressed
 */
export function knownStatus(value: unknown): SubscriberStatus | undefined {
  if (typeof value !== 'string') return undefined;
  const status = value.trim().toLowerCase();
  return SUBSCRIBER_STATUSES.find((known) => known === status);
}

/**
 * Why a stored status is not used, for reports: the status is shown only when it is a plain word,
 * so a misplaced address in the status column is never printed.
 */
export function unknownStatusReason(value: string): string {
  const shown = /^[\p{L}\p{N}_ -]{1,32}$/u.test(value.trim())
    ? `status "${value.trim()}"`
    : 'the status cell';
  return `${shown} is not one of ${SUBSCRIBER_STATUSES.join(', ')}`;
}

export interface Subscriber {
  /** Normalised address; the key. For `forgotten`, the address's `forgottenKey` instead. */
  email: string;
  status: SubscriberStatus;
  name?: string;
  createdAt: string;
  updatedAt: string;
  /** For `pending` only: the confirmation link in flight (single-use: its nonce) and when it was last sent. */
  confirmation?: { nonce: string; sentAt: string };
}

/** How long a confirmation link works, and after which a pending sign-up no longer counts. */
export const CONFIRMATION_DAYS = 7;
/** A confirmation is sent again to the same address at most this often. */
export const CONFIRMATION_RESEND_MINUTES = 10;

/**
 * The key of the suppression entry that replaces an erased address: only a SHA-256 of the
 * normalised address, so nothing personal is kept, yet the address is recognised (and never
 * mailed again) if it is imported or signs up later.
 *
 * @example
 * forgottenKey('ana@example.org') // 'forgotten:sha256:…' (64 hex digits)
 */
export function forgottenKey(email: string): string {
  return `forgotten:sha256:${createHash('sha256').update(email).digest('hex')}`;
}

/** Whether a store's key is a `forgottenKey` (as stores write it: lower-case hex). */
export function isForgottenKey(key: string): boolean {
  return /^forgotten:sha256:[0-9a-f]{64}$/.test(key);
}

/** A pending sign-up whose confirmation has expired: not counted, and it may be purged. */
export function isExpiredPending(subscriber: Subscriber, now: Date): boolean {
  if (subscriber.status !== 'pending') return false;
  const sent = Date.parse(subscriber.confirmation?.sentAt ?? subscriber.updatedAt);
  return now.getTime() - sent > CONFIRMATION_DAYS * 86_400_000;
}

/** When a pending sign-up's confirmation expires; undefined for any other status, or without a confirmation. */
export function confirmationExpiry(subscriber: Subscriber): Date | undefined {
  if (subscriber.status !== 'pending' || !subscriber.confirmation) return undefined;
  const sent = Date.parse(subscriber.confirmation.sentAt);
  return Number.isFinite(sent) ? new Date(sent + CONFIRMATION_DAYS * 86_400_000) : undefined;
}

/**
 * Whether a pending sign-up may be purged (deleted) once its confirmation expires, from the row
 * the address had before it: only when it had none (an erased address's entry stays either way),
 * or was a sign-up that could be purged already. An address that had unsubscribed, or had any
 * other status, and signs up again is never purged: that would forget the earlier status, and a
 * later import would bring it back.
 */
export function mayPurgeSignup(before: { status: string; mayPurge: boolean } | undefined): boolean {
  return before === undefined || (before.status === 'pending' && before.mayPurge);
}

/**
 * What a sign-up on the public form does to an address:
 * - new, or unsubscribed earlier: `pending`, and a confirmation is sent;
 * - pending: the confirmation is sent again (same link nonce), at most every
 *   `CONFIRMATION_RESEND_MINUTES`; an expired one gets a new nonce;
 * - active, bounced, complained, forgotten or unknown: nothing changes and nothing is sent.
 * The person on the form is told the same thing in every case, so the form never tells anyone
 * whether an address is on the list.
 */
export type SignupOutcome = 'pending' | 'resent' | 'too-soon' | 'already-active' | 'suppressed';

export function decideSignup(
  existing: Subscriber | undefined,
  request: { email: string; name?: string },
  now: Date,
  newNonce: string,
): { write?: Subscriber; sendConfirmation?: { nonce: string }; outcome: SignupOutcome } {
  const at = now.toISOString();
  const name = request.name ?? existing?.name;
  const pending = (nonce: string): Subscriber => ({
    email: request.email,
    status: 'pending',
    ...(name ? { name } : {}),
    createdAt: existing?.createdAt ?? at,
    updatedAt: at,
    confirmation: { nonce, sentAt: at },
  });
  if (!existing || existing.status === 'unsubscribed') {
    const write = pending(newNonce);
    return { write, sendConfirmation: { nonce: newNonce }, outcome: 'pending' };
  }
  if (existing.status === 'pending') {
    const sentAt = Date.parse(existing.confirmation?.sentAt ?? existing.updatedAt);
    if (now.getTime() - sentAt < CONFIRMATION_RESEND_MINUTES * 60_000) return { outcome: 'too-soon' };
    const nonce =
      existing.confirmation && !isExpiredPending(existing, now) ? existing.confirmation.nonce : newNonce;
    return { write: pending(nonce), sendConfirmation: { nonce }, outcome: 'resent' };
  }
  if (existing.status === 'active') return { outcome: 'already-active' };
  return { outcome: 'suppressed' };
}

/**
 * What an unsubscribe from the public site (the page or one-click) does: an active or pending
 * address becomes `unsubscribed`; a bounced, complained or forgotten one stays as it is, so an
 * unsubscribe can never turn a suppression into a status a later sign-up may undo. An address
 * not on the list stays off it.
 */
export function decideUnsubscribe(
  existing: Subscriber | undefined,
  now: Date,
): { write?: Subscriber; outcome: 'unsubscribed' | 'unchanged' } {
  if (existing?.status !== 'active' && existing?.status !== 'pending') return { outcome: 'unchanged' };
  const { confirmation: _confirmation, ...rest } = existing;
  return {
    write: { ...rest, status: 'unsubscribed', updatedAt: now.toISOString() },
    outcome: 'unsubscribed',
  };
}

/**
 * What following a confirmation link does: a pending address whose link this is (its nonce) and
 * still within `CONFIRMATION_DAYS` becomes active; the link then no longer works (the nonce is
 * gone). An address that is already active is told so; anything else is an invalid link.
 */
export type ConfirmOutcome = 'confirmed' | 'already-active' | 'invalid';

export function decideConfirmation(
  existing: Subscriber | undefined,
  nonce: string,
  now: Date,
): { write?: Subscriber; outcome: ConfirmOutcome } {
  if (existing?.status === 'active') return { outcome: 'already-active' };
  if (
    existing?.status !== 'pending' ||
    existing.confirmation?.nonce !== nonce ||
    isExpiredPending(existing, now)
  )
    return { outcome: 'invalid' };
  const { confirmation: _confirmation, ...rest } = existing;
  return { write: { ...rest, status: 'active', updatedAt: now.toISOString() }, outcome: 'confirmed' };
}

/** One row of an import, after validation. */
export interface ImportRow {
  email: string;
  name?: string;
  /** A status given in the file (e.g. a list moved from another service); default active. */
  status?: SubscriberStatus;
}

export type ImportOutcome = 'added' | 'updated' | 'unchanged' | 'kept-suppressed';

/**
 * What an import does to one address. A new address is added; an existing one keeps its status
 * unless the file suppresses it, so a re-import never brings back someone who unsubscribed,
 * bounced or complained. (An address stored with a status this version does not know never
 * reaches here: stores answer `kept-suppressed` for it; see `knownStatus`.)
 */
export function mergeImport(
  existing: Subscriber | undefined,
  row: ImportRow,
  now: string,
): { subscriber: Subscriber; outcome: ImportOutcome } {
  if (!existing) {
    return {
      subscriber: {
        email: row.email,
        status: row.status ?? 'active',
        ...(row.name ? { name: row.name } : {}),
        createdAt: now,
        updatedAt: now,
      },
      outcome: 'added',
    };
  }
  if (existing.status !== 'active') return { subscriber: existing, outcome: 'kept-suppressed' };
  const status = row.status && row.status !== 'active' ? row.status : existing.status;
  const name = row.name ?? existing.name;
  if (status === existing.status && name === existing.name)
    return { subscriber: existing, outcome: 'unchanged' };
  return {
    subscriber: { ...existing, status, ...(name ? { name } : {}), updatedAt: now },
    outcome: 'updated',
  };
}

/**
 * `update` was asked about an address the store holds but cannot hand out (a status this version
 * does not know, or a row of the CSV store that cannot be read): the address is left as it is and
 * gets no mail. The public site answers such a sign-up like any other.
 */
export class SubscriberHeldError extends DigestError {
  override name = 'SubscriberHeldError';
}

/**
 * What `update` may write for `email`: the address's own row, never a `forgotten` entry (that is
 * `forget`'s) and never another address's. Throws on a change that breaks this (a bug, not input).
 */
export function checkUpdateWrite(email: string, write: Subscriber): void {
  if (write.email !== email || write.status === 'forgotten' || isForgottenKey(write.email))
    throw new Error(
      "update may write only the address's own row, never a forgotten entry or another address",
    );
}

/** The store every command and the sender use: a local CSV file or a DynamoDB table. */
export interface SubscriberStore {
  /** Every subscriber, streamed (a million-address list is never in memory at once). */
  all(): AsyncIterable<Subscriber>;
  /**
   * The row kept under this key. An erased address has none: `get(email)` is undefined and its
   * entry is `get(forgottenKey(email))`; `update` is the way to see both at once.
   */
  get(email: string): Promise<Subscriber | undefined>;
  /** Adds or merges rows as `mergeImport` says; reports each row's outcome. */
  importRows(
    rows: AsyncIterable<ImportRow>,
    onOutcome: (row: ImportRow, outcome: ImportOutcome) => void,
  ): Promise<void>;
  /** Sets the status of an existing subscriber; false when there is none. */
  setStatus(email: string, status: SubscriberStatus, now: string): Promise<boolean>;
  /**
   * Reads one address and writes what `change` decides, with no other change to the address in
   * between (the CSV store holds its lock; DynamoDB writes on a condition and retries). `existing`
   * is the subscriber, or the `forgotten` entry of an erased address, or undefined. `write` goes
   * under the address (see `checkUpdateWrite`); a row written for an erased address takes
   * precedence over its entry, which stays. `change` decides only: it may run more than once (a
   * DynamoDB retry) and must not call the store. An address held with a status this version does
   * not know is left alone: `SubscriberHeldError`.
   */
  update<T>(
    email: string,
    change: (existing: Subscriber | undefined) => { write?: Subscriber; result: T },
  ): Promise<T>;
  /**
   * Erases an address: its row is replaced by a `forgotten` entry keyed by `forgottenKey(email)`
   * that keeps no address, name or dates beyond when it was forgotten. False when the address is
   * not on the list (an entry is still written, so it is never mailed).
   */
  forget(email: string, now: string): Promise<boolean>;
  /**
   * Deletes the pending sign-ups whose confirmation expired before `now` and that may be purged
   * (see `mayPurgeSignup`); returns how many.
   */
  purgeExpired(now: Date): Promise<number>;
  close(): Promise<void>;
}
