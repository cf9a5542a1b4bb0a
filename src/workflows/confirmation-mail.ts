import { composeConfirmation, type ListIdentity } from '../core/delivery/compose.js';
import type { Outbox } from '../core/delivery/outbox.js';
import { CONFIRMATION_DAYS } from '../core/delivery/subscriber.js';

/**
 * Sends a sign-up's confirmation message through an outbox (files for `digest serve`, SES on
 * AWS). Its own module, so the site loads the MIME composer only when someone signs up.
 */
export function confirmationMail(
  outbox: Outbox,
  identity: Pick<ListIdentity, 'from' | 'replyTo' | 'newsletterName'>,
  now: () => Date = () => new Date(),
): (to: string, confirmUrl: string) => Promise<void> {
  return async (to, confirmUrl) => {
    const { raw, messageId } = await composeConfirmation({
      identity,
      to,
      confirmUrl,
      days: CONFIRMATION_DAYS,
      date: now(),
    });
    await outbox.send({ to, from: identity.from, raw, messageId });
  };
}
