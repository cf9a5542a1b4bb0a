/**
 * How often the public sign-up form may be used, so that it cannot be turned into a way of
 * mailing strangers (confirmation bombing) or of filling the list with junk: per source address
 * and per e-mail address, in fixed windows. The counters live in memory for `digest serve` and
 * in DynamoDB items that expire by TTL on AWS.
 */
export interface RateLimiter {
  /** Counts one use of `key` in the window `now` falls in; false when the limit was already reached. */
  allow(key: string, limit: { count: number; windowSeconds: number }, now: Date): Promise<boolean>;
}

/** Sign-ups from one source IP address: enough for an office behind one NAT, not for a script. */
export const SIGNUPS_PER_SOURCE = { count: 10, windowSeconds: 3600 };
/** Sign-ups of one e-mail address (confirmations are further limited to one per 10 minutes). */
export const SIGNUPS_PER_ADDRESS = { count: 5, windowSeconds: 86_400 };

/**
 * The counter a use falls in: the key and the window's number. A counter expires at the end of
 * its window.
 *
 * @example
 * counterFor('ip:203.0.113.7', SIGNUPS_PER_SOURCE, new Date('2026-11-25T10:30:00Z'))
 * // { id: 'ip:203.0.113.7#498778', expiresAt: 1795604400 }
 */
export function counterFor(
  key: string,
  limit: { windowSeconds: number },
  now: Date,
): { id: string; expiresAt: number } {
  const window = Math.floor(now.getTime() / 1000 / limit.windowSeconds);
  return { id: `${key}#${window}`, expiresAt: (window + 1) * limit.windowSeconds };
}

/**
 * The key a source address counts under: an IPv4 address as it is; an IPv6 address by its /64
 * network, since one subscriber line gets a whole /64 and could otherwise change address at will.
 *
 * @example
 * sourceKey('2001:db8:1:2:aaaa::1') // '2001:db8:1:2::/64'
 * sourceKey('::ffff:203.0.113.7') // '203.0.113.7'
 */
export function sourceKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const front = head ? head.split(':') : [];
  const back = tail ? tail.split(':') : [];
  const groups = ip.includes('::')
    ? [...front, ...Array(8 - front.length - back.length).fill('0'), ...back]
    : front;
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
