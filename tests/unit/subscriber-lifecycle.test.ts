import { describe, expect, it } from 'vitest';
import {
  CONFIRMATION_DAYS,
  CONFIRMATION_RESEND_MINUTES,
  checkUpdateWrite,
  decideConfirmation,
  decideSignup,
  forgottenKey,
  isExpiredPending,
  isForgottenKey,
  type Subscriber,
  type SubscriberStatus,
} from '../../src/core/delivery/subscriber.js';

const SENT = new Date('2026-11-23T08:00:00.000Z');
const minutes = (count: number) => new Date(SENT.getTime() + count * 60_000);
const days = (count: number) => new Date(SENT.getTime() + count * 86_400_000);
const JAN = '2026-01-01T00:00:00.000Z';

const pending: Subscriber = {
  email: 'eve@example.org',
  status: 'pending',
  name: 'Eve',
  createdAt: SENT.toISOString(),
  updatedAt: SENT.toISOString(),
  confirmation: { nonce: 'first', sentAt: SENT.toISOString() },
};
const withStatus = (status: SubscriberStatus): Subscriber => ({
  email: 'eve@example.org',
  status,
  name: 'Eve',
  createdAt: JAN,
  updatedAt: JAN,
});

describe('a sign-up on the public form (decideSignup)', () => {
  it('records a new address as pending and sends its confirmation', () => {
    const decided = decideSignup(undefined, { email: 'eve@example.org', name: 'Eve' }, SENT, 'first');

    expect(decided).toEqual({ write: pending, sendConfirmation: { nonce: 'first' }, outcome: 'pending' });
  });

  it('lets an address that unsubscribed sign up again: pending, keeping when it first joined', () => {
    const decided = decideSignup(withStatus('unsubscribed'), { email: 'eve@example.org' }, SENT, 'first');

    expect(decided.outcome).toBe('pending');
    expect(decided.write).toEqual({ ...pending, createdAt: JAN });
  });

  it.each([0, CONFIRMATION_RESEND_MINUTES - 1])(
    'sends nothing again %i minutes after the last confirmation (too soon), and writes nothing',
    (after) => {
      expect(decideSignup(pending, { email: 'eve@example.org' }, minutes(after), 'second')).toEqual({
        outcome: 'too-soon',
      });
    },
  );

  it('sends the same link again once the resend interval has passed', () => {
    const now = minutes(CONFIRMATION_RESEND_MINUTES);

    const decided = decideSignup(pending, { email: 'eve@example.org' }, now, 'second');

    expect(decided).toEqual({
      outcome: 'resent',
      sendConfirmation: { nonce: 'first' },
      write: {
        ...pending,
        updatedAt: now.toISOString(),
        confirmation: { nonce: 'first', sentAt: now.toISOString() },
      },
    });
  });

  it('sends a new link when the pending one has expired', () => {
    const now = days(CONFIRMATION_DAYS + 1);

    const decided = decideSignup(pending, { email: 'eve@example.org' }, now, 'second');

    expect(decided.outcome).toBe('resent');
    expect(decided.sendConfirmation).toEqual({ nonce: 'second' });
    expect(decided.write?.confirmation).toEqual({ nonce: 'second', sentAt: now.toISOString() });
  });

  it('tells an active address nothing new and sends nothing', () => {
    expect(decideSignup(withStatus('active'), { email: 'eve@example.org' }, SENT, 'first')).toEqual({
      outcome: 'already-active',
    });
  });

  it.each(['bounced', 'complained', 'forgotten'] as const)(
    'never brings back a %s address: nothing written, nothing sent',
    (status) => {
      expect(decideSignup(withStatus(status), { email: 'eve@example.org' }, SENT, 'first')).toEqual({
        outcome: 'suppressed',
      });
    },
  );
});

describe('following a confirmation link (decideConfirmation)', () => {
  it('makes a pending address active, and the link no longer holds a nonce', () => {
    const now = days(1);

    expect(decideConfirmation(pending, 'first', now)).toEqual({
      outcome: 'confirmed',
      write: {
        email: 'eve@example.org',
        status: 'active',
        name: 'Eve',
        createdAt: SENT.toISOString(),
        updatedAt: now.toISOString(),
      },
    });
  });

  it('tells an address that already confirmed so, and writes nothing', () => {
    expect(decideConfirmation(withStatus('active'), 'first', days(1))).toEqual({ outcome: 'already-active' });
  });

  it('refuses a link whose nonce a newer confirmation replaced', () => {
    expect(decideConfirmation(pending, 'older', days(1))).toEqual({ outcome: 'invalid' });
  });

  it('refuses a link after it has expired', () => {
    expect(decideConfirmation(pending, 'first', new Date(days(CONFIRMATION_DAYS).getTime() + 1))).toEqual({
      outcome: 'invalid',
    });
  });

  it.each(['unsubscribed', 'bounced', 'complained', 'forgotten'] as const)(
    'never re-activates a %s address, whatever the link',
    (status) => {
      expect(decideConfirmation(withStatus(status), 'first', days(1))).toEqual({ outcome: 'invalid' });
    },
  );

  it('refuses a link for an address that is not on the list', () => {
    expect(decideConfirmation(undefined, 'first', days(1))).toEqual({ outcome: 'invalid' });
  });
});

describe('expired sign-ups (isExpiredPending)', () => {
  it('expires a pending sign-up just after its confirmation days, not before', () => {
    expect(isExpiredPending(pending, days(CONFIRMATION_DAYS))).toBe(false);
    expect(isExpiredPending(pending, new Date(days(CONFIRMATION_DAYS).getTime() + 1))).toBe(true);
  });

  it('goes by the last change of a pending row that has no confirmation', () => {
    const { confirmation: _confirmation, ...bare } = pending;

    expect(isExpiredPending(bare, days(CONFIRMATION_DAYS + 1))).toBe(true);
  });

  it('never expires any other status', () => {
    expect(isExpiredPending(withStatus('active'), days(400))).toBe(false);
  });
});

describe('forgotten keys', () => {
  it('keys an erased address by its hash only, the same every time', () => {
    const key = forgottenKey('ana@example.org');

    expect(key).toMatch(/^forgotten:sha256:[0-9a-f]{64}$/);
    expect(key).not.toContain('ana');
    expect(forgottenKey('ana@example.org')).toBe(key);
    expect(forgottenKey('ben@example.com')).not.toBe(key);
    expect(isForgottenKey(key)).toBe(true);
  });

  it.each(['ana@example.org', 'forgotten:sha256:abc', `forgotten:sha256:${'A'.repeat(64)}`])(
    'does not take %j for a forgotten key',
    (value) => {
      expect(isForgottenKey(value)).toBe(false);
    },
  );

  it('lets update write only the address’s own row', () => {
    const entry: Subscriber = { ...withStatus('forgotten'), email: forgottenKey('eve@example.org') };

    expect(() => checkUpdateWrite('eve@example.org', withStatus('active'))).not.toThrow();
    expect(() => checkUpdateWrite('eve@example.org', entry)).toThrow();
    expect(() => checkUpdateWrite('eve@example.org', withStatus('forgotten'))).toThrow();
    expect(() => checkUpdateWrite('ben@example.com', withStatus('active'))).toThrow();
  });
});
