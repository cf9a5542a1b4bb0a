import { normalizeAddress } from '../core/delivery/address.js';
import type { SubscriberStatus } from '../core/delivery/subscriber.js';

export interface FeedbackOutcome {
  suppressed: { email: string; status: Extract<SubscriberStatus, 'bounced' | 'complained'> }[];
  transientBounces: number;
  ignored: number;
}

interface SesEvent {
  eventType?: string;
  notificationType?: string;
  bounce?: { bounceType?: string; bouncedRecipients?: { emailAddress?: string }[] };
  complaint?: { complainedRecipients?: { emailAddress?: string }[] };
}

/**
 * Reads SES bounce and complaint events (as an SES configuration set publishes them to SNS).
 * Permanent bounces and complaints suppress the address for good; transient bounces are only
 * counted, because the mailbox may work again tomorrow.
 */
export function readFeedback(messages: string[]): FeedbackOutcome {
  const outcome: FeedbackOutcome = { suppressed: [], transientBounces: 0, ignored: 0 };
  for (const message of messages) {
    let event: SesEvent;
    try {
      event = JSON.parse(message) as SesEvent;
    } catch {
      outcome.ignored++;
      continue;
    }
    const type = event.eventType ?? event.notificationType;
    if (type === 'Bounce' && event.bounce?.bounceType === 'Permanent') {
      for (const recipient of event.bounce.bouncedRecipients ?? [])
        add(outcome, recipient.emailAddress, 'bounced');
    } else if (type === 'Bounce') {
      outcome.transientBounces += event.bounce?.bouncedRecipients?.length ?? 1;
    } else if (type === 'Complaint') {
      for (const recipient of event.complaint?.complainedRecipients ?? [])
        add(outcome, recipient.emailAddress, 'complained');
    } else {
      outcome.ignored++;
    }
  }
  return outcome;
}

function add(outcome: FeedbackOutcome, raw: string | undefined, status: 'bounced' | 'complained'): void {
  // SES may give `Name <address>`; the store keys on the bare, normalised address.
  const address = normalizeAddress(/<([^>]+)>/.exec(raw ?? '')?.[1] ?? raw ?? '');
  if (address.ok) outcome.suppressed.push({ email: address.email, status });
  else outcome.ignored++;
}
