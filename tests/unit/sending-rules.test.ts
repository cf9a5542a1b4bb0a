import { describe, expect, it } from 'vitest';
import { emlFileName } from '../../src/adapters/outbox-file.js';
import { classifySesError } from '../../src/adapters/outbox-ses.js';
import { maskAddress, normalizeAddress } from '../../src/core/delivery/address.js';
import { type Clock, DEFAULT_BACKOFF, fullJitterDelay, TokenBucket } from '../../src/core/delivery/rate.js';
import { mergeImport, type Subscriber } from '../../src/core/delivery/subscriber.js';

function fakeClock(): Clock & { elapsed: number } {
  const clock = {
    elapsed: 0,
    now: () => clock.elapsed,
    sleep: async (ms: number) => {
      clock.elapsed += ms;
    },
  };
  return clock;
}

describe('TokenBucket', () => {
  it('lets through no more than the rate, on average', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(10, 1, clock);
    for (let index = 0; index < 51; index++) await bucket.take();
    expect(clock.elapsed).toBeGreaterThanOrEqual(4999);
    expect(clock.elapsed).toBeLessThanOrEqual(5001);
  });

  it('serves callers in the order they asked', async () => {
    const bucket = new TokenBucket(1000, 1, fakeClock());
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3].map((index) => bucket.take().then(() => order.push(index))));
    expect(order).toEqual([0, 1, 2, 3]);
  });
});

describe('fullJitterDelay', () => {
  it.each([0, 1, 5, 20])('stays between 0 and the capped exponential bound (attempt %i)', (attempt) => {
    const bound = Math.min(DEFAULT_BACKOFF.capMs, DEFAULT_BACKOFF.baseMs * 2 ** attempt);
    expect(fullJitterDelay(attempt, DEFAULT_BACKOFF, () => 0)).toBe(0);
    expect(fullJitterDelay(attempt, DEFAULT_BACKOFF, () => 0.999999)).toBeCloseTo(bound, 0);
  });
});

describe('addresses', () => {
  it.each([
    ['  Ana.Silva@Example.ORG ', 'ana.silva@example.org'],
    ['ben+news@example.com', 'ben+news@example.com'],
  ])('normalises %j', (raw, email) => {
    expect(normalizeAddress(raw)).toEqual({ ok: true, email });
  });

  it.each([
    '',
    'not-an-address',
    'a@b',
    'ana@example.org\r\nBcc: x@example.com',
    'Ana <ana@example.org>',
    'a@example.org, b@example.org',
  ])('rejects %j', (raw) => {
    expect(normalizeAddress(raw).ok).toBe(false);
  });

  it('masks an address for logs', () => {
    expect(maskAddress('ana.silva@example.org')).toBe('a***@example.org');
  });
});

describe('mergeImport', () => {
  const now = '2026-11-23T00:00:00.000Z';
  const existing = (status: Subscriber['status'], name?: string): Subscriber => ({
    email: 'ana@example.org',
    status,
    ...(name ? { name } : {}),
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  });

  it('adds a new address as active', () => {
    expect(mergeImport(undefined, { email: 'ana@example.org' }, now)).toMatchObject({
      outcome: 'added',
      subscriber: { status: 'active', createdAt: now },
    });
  });

  it.each(['unsubscribed', 'bounced', 'complained'] as const)(
    'never brings back an address that %s',
    (status) => {
      expect(mergeImport(existing(status), { email: 'ana@example.org', status: 'active' }, now)).toEqual({
        outcome: 'kept-suppressed',
        subscriber: existing(status),
      });
    },
  );

  it('updates the name of an active subscriber and leaves the rest', () => {
    expect(
      mergeImport(existing('active', 'Ana'), { email: 'ana@example.org', name: 'Ana Silva' }, now),
    ).toMatchObject({
      outcome: 'updated',
      subscriber: {
        name: 'Ana Silva',
        status: 'active',
        createdAt: '2026-01-01T00:00:00.000Z',
        updatedAt: now,
      },
    });
  });

  it('lets an import suppress an active subscriber', () => {
    expect(
      mergeImport(existing('active'), { email: 'ana@example.org', status: 'unsubscribed' }, now).subscriber
        .status,
    ).toBe('unsubscribed');
  });
});

describe('emlFileName', () => {
  it.each([
    'ana@example.org',
    '../../etc/passwd@x.org',
    'a/b\\c@x.org',
    '.hidden@x.org',
    `${'x'.repeat(300)}@x.org`,
  ])('keeps %j inside the folder', (address) => {
    const name = emlFileName(address);
    expect(name).toMatch(/^[A-Za-z0-9_+-][A-Za-z0-9._+-]*-[0-9a-f]{8}\.eml$/);
    expect(name.length).toBeLessThanOrEqual(100);
  });

  it('gives addresses that differ only in unsafe characters different names', () => {
    expect(emlFileName('a/b@x.org')).not.toBe(emlFileName('a\\b@x.org'));
  });
});

describe('classifySesError', () => {
  const error = (name: string, message: string, status = 400) =>
    Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
  const from = 'Metals Weekly <news@metals.example>';

  it.each([
    [error('Throttling', 'Maximum sending rate exceeded.'), 'throttled'],
    [error('Throttling', 'Daily message quota exceeded.'), 'account'],
    [error('AccountSendingPausedException', 'Sending paused'), 'account'],
    [
      error(
        'MessageRejected',
        'Email address is not verified. The following identities failed the check: news@metals.example',
      ),
      'account',
    ],
    [
      error(
        'MessageRejected',
        'Email address is not verified. The following identities failed the check: reader@example.org',
      ),
      'permanent',
    ],
    [error('MessageRejected', 'Message rejected: content'), 'permanent'],
    [error('InternalFailure', 'oops', 500), 'unconfirmed'],
    [error('AccessDenied', 'not allowed', 403), 'account'],
    [error('InvalidClientTokenId', 'The security token included in the request is invalid', 403), 'account'],
  ])('sorts %s', (thrown, kind) => {
    expect(classifySesError(thrown, from).kind).toBe(kind);
  });

  // Errors without an HTTP status: how far the request got is what tells a retry safe from a duplicate.
  const network = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:9`), { code });
  it.each([
    [
      'a refused connection before anything was written',
      network('ECONNREFUSED'),
      { written: false, answered: false },
      'unreachable',
    ],
    ['an unknown host', network('ENOTFOUND'), { written: false, answered: false }, 'unreachable'],
    [
      'a reset after the request was written',
      network('ECONNRESET'),
      { written: true, answered: false },
      'unconfirmed',
    ],
    [
      'a timeout after the request was written',
      Object.assign(new Error('timed out'), { name: 'TimeoutError' }),
      { written: true, answered: false },
      'unconfirmed',
    ],
    ['a failure with a client that is not tracked', network('ECONNRESET'), undefined, 'unconfirmed'],
    [
      'missing credentials, before any request',
      Object.assign(new Error('Could not load credentials'), { name: 'CredentialsProviderError' }),
      { written: false, answered: false },
      'account',
    ],
  ])('sorts %s', (_case, thrown, progress, kind) => {
    expect(classifySesError(thrown, from, progress).kind).toBe(kind);
  });
});
