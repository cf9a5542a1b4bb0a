// The items of the DynamoDB subscriber store: how a subscriber becomes the attributes of an item
// (and which attributes a change sets or removes), and how an item becomes a subscriber again.
import { maskAddress } from '../core/delivery/address.js';
import {
  confirmationExpiry,
  knownStatus,
  type Subscriber,
  type SubscriberStatus,
  unknownStatusReason,
} from '../core/delivery/subscriber.js';

/**
 * The attribute DynamoDB's time to live reads (epoch seconds; the CDK stack enables TTL on it): a
 * pending sign-up that may be purged (see `mayPurgeSignup`: the address was not on the list)
 * carries the time its confirmation expires, so DynamoDB deletes it some time after. Every other
 * item has none: an address that had unsubscribed and signs up again stays, so its unsubscribe is
 * never forgotten.
 */
export const PENDING_EXPIRES_AT = 'pendingExpiresAt';
/** Counts the item's changes; a change is written only if the count is still the one it read. */
export const REVISION = 'revision';

/**
 * The update expression of a status change (of an item that exists). Any status but pending also
 * drops the confirmation and the time to live: only pending sign-ups expire.
 */
export function statusChangeOf(status: SubscriberStatus, now: string) {
  const remove =
    status === 'pending' ? '' : ` REMOVE confirmationNonce, confirmationSentAt, ${PENDING_EXPIRES_AT}`;
  return {
    UpdateExpression: `SET #status = :status, updatedAt = :now, #revision = if_not_exists(#revision, :zero) + :one${remove}`,
    ConditionExpression: 'attribute_exists(email)',
    ExpressionAttributeNames: { '#status': 'status', '#revision': REVISION },
    ExpressionAttributeValues: { ':status': status, ':now': now, ':zero': 0, ':one': 1 },
  };
}

/**
 * The update expression that makes an item hold `subscriber` (its attributes this store does not
 * know stay), on `condition`. A pending subscriber's confirmation goes to its own attributes, and
 * with `expires`, the time DynamoDB may delete it (see PENDING_EXPIRES_AT); any other status
 * removes them.
 */
export function changeOf(
  subscriber: Subscriber,
  options: { condition: string; values?: Record<string, unknown>; revision?: number; expires?: boolean },
) {
  const names: Record<string, string> = { '#status': 'status', '#name': 'name', '#revision': REVISION };
  const values: Record<string, unknown> = {
    ':status': subscriber.status,
    ':createdAt': subscriber.createdAt,
    ':updatedAt': subscriber.updatedAt,
    ...options.values,
  };
  const set = ['#status = :status', 'createdAt = :createdAt', 'updatedAt = :updatedAt'];
  const remove: string[] = [];
  if (subscriber.name) {
    set.push('#name = :name');
    values[':name'] = subscriber.name;
  } else remove.push('#name');
  if (options.revision === undefined) {
    set.push('#revision = if_not_exists(#revision, :zero) + :one');
    values[':zero'] = 0;
    values[':one'] = 1;
  } else {
    set.push('#revision = :revision');
    values[':revision'] = options.revision;
  }
  const confirmation = subscriber.status === 'pending' ? subscriber.confirmation : undefined;
  if (confirmation) {
    set.push('confirmationNonce = :nonce', 'confirmationSentAt = :sentAt');
    values[':nonce'] = confirmation.nonce;
    values[':sentAt'] = confirmation.sentAt;
  } else remove.push('confirmationNonce', 'confirmationSentAt');
  const expiry = options.expires ? confirmationExpiry(subscriber) : undefined;
  if (expiry) {
    set.push(`${PENDING_EXPIRES_AT} = :expires`);
    values[':expires'] = Math.floor(expiry.getTime() / 1000);
  } else remove.push(PENDING_EXPIRES_AT);
  return {
    UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
    ConditionExpression: options.condition,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** The item as a subscriber, or undefined when its status is not one this version knows. */
export function asSubscriber(item: Record<string, unknown>): Subscriber | undefined {
  const status = knownStatus(item.status);
  if (!status || typeof item.email !== 'string') return undefined;
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const { confirmationNonce: nonce, confirmationSentAt: sentAt } = item;
  return {
    email: item.email,
    status,
    ...(typeof item.name === 'string' && item.name ? { name: item.name } : {}),
    createdAt: text(item.createdAt),
    updatedAt: text(item.updatedAt),
    ...(status === 'pending' && typeof nonce === 'string' && typeof sentAt === 'string'
      ? { confirmation: { nonce, sentAt } }
      : {}),
  };
}

export function skipReason(item: Record<string, unknown>, address?: string): string {
  const shown =
    address ?? (typeof item.email === 'string' ? maskAddress(item.email) : 'an item without an address');
  return `${shown}: ${unknownStatusReason(String(item.status ?? ''))} — kept as it is and not mailed`;
}
