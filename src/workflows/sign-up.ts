import { randomBytes } from 'node:crypto';
import {
  type RateLimiter,
  SIGNUPS_PER_ADDRESS,
  SIGNUPS_PER_SOURCE,
  sourceKey,
} from '../core/delivery/abuse-limits.js';
import { maskAddress, normalizeAddress } from '../core/delivery/address.js';
import { signConfirmToken, verifyConfirmToken } from '../core/delivery/confirm-token.js';
import {
  CONFIRMATION_RESEND_MINUTES,
  type ConfirmOutcome,
  decideConfirmation,
  decideSignup,
  decideUnsubscribe,
  forgottenKey,
  type SignupOutcome,
  SubscriberHeldError,
  type SubscriberStore,
} from '../core/delivery/subscriber.js';

/** What the sign-up and confirmation workflows need from the outside world. */
export interface SignUpPorts {
  store: Pick<SubscriberStore, 'update'>;
  limiter: RateLimiter;
  secret: () => Promise<string>;
  /** The List-Id: tokens carry it, so one list's link never confirms on another list. */
  listId: string;
  /** The public confirmation page for a token (`https://…/confirm?t=…`). */
  confirmUrl(token: string): string;
  /** Composes and sends the confirmation message; throws when it could not be handed over. */
  sendConfirmation(to: string, confirmUrl: string): Promise<void>;
  now(): Date;
  /** Where the workflows say what happened, addresses masked (logs, the serve command's output). */
  log(event: string, details: Record<string, unknown>): void;
  /** The least time a sign-up's answer takes (see `signUp`); none when unset (tests). */
  minimumAnswerMs?: number;
}

/** What the form posted. `website` is the honeypot: a field people never see and bots fill in. */
export interface SignUpForm {
  email: string;
  name?: string;
  website?: string;
}

/**
 * The answer to a sign-up. `accepted` is the same page for a new address, one already on the
 * list, one suppressed, a honeypot hit, an address over its own limit, and a confirmation that
 * could not be sent (that one is logged, and the person may simply try again): the form never
 * tells whether an address is known. Only a malformed address and a source over its limit get
 * their own answers, and neither depends on the list.
 */
export type SignUpAnswer =
  | { kind: 'accepted' }
  | { kind: 'invalid-address'; reason: string }
  | { kind: 'too-many-from-source' };

/**
 * A sign-up from the public form: validated, rate-limited, recorded as `pending` (see
 * `decideSignup`) and confirmed by a link sent to the address (double opt-in). Every answer takes
 * at least `minimumAnswerMs`, so that how long it took does not tell a known address (no write,
 * no message) from a new one.
 */
export async function signUp(form: SignUpForm, source: string, ports: SignUpPorts): Promise<SignUpAnswer> {
  const started = performance.now();
  const answer = await signUpNow(form, source, ports);
  const wait = (ports.minimumAnswerMs ?? 0) - (performance.now() - started);
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  return answer;
}

async function signUpNow(form: SignUpForm, source: string, ports: SignUpPorts): Promise<SignUpAnswer> {
  const now = ports.now();
  if (form.website?.trim()) {
    ports.log('Sign-up ignored: the honeypot field was filled in', { source });
    return { kind: 'accepted' };
  }
  const address = normalizeAddress(form.email);
  if (!address.ok) return { kind: 'invalid-address', reason: address.reason };
  const email = address.email;
  if (!(await ports.limiter.allow(`source:${sourceKey(source)}`, SIGNUPS_PER_SOURCE, now))) {
    ports.log('Sign-up refused: too many from this source', { source });
    return { kind: 'too-many-from-source' };
  }
  // Keyed by the address's hash: the counters never hold an address.
  if (!(await ports.limiter.allow(`address:${forgottenKey(email)}`, SIGNUPS_PER_ADDRESS, now))) {
    ports.log('Sign-up ignored: too many for this address', { recipient: maskAddress(email) });
    return { kind: 'accepted' };
  }
  const name = cleanName(form.name);
  const decision = await held(
    () =>
      ports.store.update(email, (existing) => {
        const decided = decideSignup(existing, { email, ...(name ? { name } : {}) }, now, newNonce());
        return { ...(decided.write ? { write: decided.write } : {}), result: decided };
      }),
    { outcome: 'suppressed' } as const,
  );
  if (!decision.sendConfirmation) {
    ports.log(signUpEvents[decision.outcome], { recipient: maskAddress(email) });
    return { kind: 'accepted' };
  }

  const token = signConfirmToken(
    { list: ports.listId, address: email, nonce: decision.sendConfirmation.nonce },
    await ports.secret(),
    now,
  );
  try {
    await ports.sendConfirmation(email, ports.confirmUrl(token));
    ports.log(signUpEvents[decision.outcome], { recipient: maskAddress(email) });
  } catch (error) {
    // Nothing went out: let the person try again at once instead of waiting out the resend limit
    // (the link's week still counts from now).
    const unsent = new Date(now.getTime() - CONFIRMATION_RESEND_MINUTES * 60_000).toISOString();
    await ports.store.update(email, (existing) =>
      existing?.status === 'pending' && existing.confirmation
        ? {
            write: { ...existing, confirmation: { ...existing.confirmation, sentAt: unsent } },
            result: undefined,
          }
        : { result: undefined },
    );
    ports.log('Signed up, but the confirmation could not be sent; signing up again retries', {
      recipient: maskAddress(email),
      error: (error as Error).message,
    });
  }
  return { kind: 'accepted' };
}

const signUpEvents: Record<SignupOutcome, string> = {
  pending: 'Signed up: confirmation sent',
  resent: 'Signed up again: confirmation sent again',
  'too-soon': 'Signed up again: confirmation sent a moment ago, not again',
  'already-active': 'Signed up again: already subscribed, nothing sent',
  suppressed: 'Sign-up of a suppressed address: nothing sent',
};

/** A confirmation link, as its page sees it. */
export type ConfirmLink = { valid: true; address: string; nonce: string } | { valid: false };

/** Reads a confirmation link: genuine, this list's, not expired. Reading changes nothing. */
export async function readConfirmLink(token: string, ports: Pick<SignUpPorts, 'secret' | 'listId' | 'now'>) {
  const claim = verifyConfirmToken(token, await ports.secret(), ports.now());
  if (!claim || claim.list !== ports.listId) return { valid: false } as const;
  return { valid: true, address: claim.address, nonce: claim.nonce } as const;
}

/** What pressing Confirm would do for this link, found without changing anything. */
export async function confirmationState(
  link: { address: string; nonce: string },
  ports: Pick<SignUpPorts, 'store' | 'now'>,
): Promise<ConfirmOutcome> {
  const now = ports.now();
  return held(
    () =>
      ports.store.update(link.address, (existing) => ({
        result: decideConfirmation(existing, link.nonce, now).outcome,
      })),
    'invalid' as const,
  );
}

/** Confirms a sign-up (the POST of the confirmation page): see `decideConfirmation`. */
export async function confirmSignUp(
  link: { address: string; nonce: string },
  ports: Pick<SignUpPorts, 'store' | 'now' | 'log'>,
): Promise<ConfirmOutcome> {
  const now = ports.now();
  const outcome = await held(
    () =>
      ports.store.update(link.address, (existing) => {
        const decided = decideConfirmation(existing, link.nonce, now);
        return { ...(decided.write ? { write: decided.write } : {}), result: decided.outcome };
      }),
    'invalid' as const,
  );
  ports.log(confirmEvents[outcome], { recipient: maskAddress(link.address) });
  return outcome;
}

const confirmEvents: Record<ConfirmOutcome, string> = {
  confirmed: 'Subscription confirmed',
  'already-active': 'Confirmation link followed again: already subscribed',
  invalid: 'Confirmation link no longer valid: used, replaced or expired',
};

/** A name as the form gave it: one line, printable, at most 100 characters; empty is none. */
function cleanName(name: string | undefined): string | undefined {
  const cleaned = (name ?? '')
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  // By code points, so a cut never splits a surrogate pair.
  return [...cleaned].slice(0, 100).join('').trim() || undefined;
}

/**
 * A change to an address that a store holds as it found it (a status this version does not know):
 * nothing changes, and the page answers as it does for any address it does not mail.
 */
async function held<T>(change: () => Promise<T>, otherwise: T): Promise<T> {
  try {
    return await change();
  } catch (error) {
    if (error instanceof SubscriberHeldError) return otherwise;
    throw error;
  }
}

function newNonce(): string {
  return randomBytes(12).toString('base64url');
}

/**
 * An unsubscribe from the site (see `decideUnsubscribe`): suppressed addresses stay suppressed.
 * True when the address was on the list and is now unsubscribed.
 */
export async function unsubscribeAddress(
  email: string,
  ports: Pick<SignUpPorts, 'store' | 'now'>,
): Promise<boolean> {
  const now = ports.now();
  const outcome = await held(
    () =>
      ports.store.update(email, (existing) => {
        const decided = decideUnsubscribe(existing, now);
        return { ...(decided.write ? { write: decided.write } : {}), result: decided.outcome };
      }),
    'unchanged' as const,
  );
  return outcome === 'unsubscribed';
}
