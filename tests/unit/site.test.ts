import { describe, expect, it } from 'vitest';
import { sourceKey } from '../../src/core/delivery/abuse-limits.js';
import { signConfirmToken } from '../../src/core/delivery/confirm-token.js';
import { forgottenKey, type Subscriber } from '../../src/core/delivery/subscriber.js';
import { handleSiteRequest } from '../../src/site/router.js';
import { unsubscribeAddress } from '../../src/workflows/sign-up.js';
import { MemorySubscribers, memorySitePorts } from '../helpers/site.js';

const SECRET = 'a-unit-test-secret-long-enough';
const LIST = 'news.example.com';
const FORM = 'application/x-www-form-urlencoded';

function site() {
  const memory = memorySitePorts({ secret: SECRET, listId: LIST });
  const call = (method: string, path: string, body = '', sourceIp = '203.0.113.7') => {
    const url = new URL(path, 'https://list.example.com');
    return handleSiteRequest(
      {
        method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        body,
        contentType: FORM,
        sourceIp,
      },
      memory.ports,
    );
  };
  const signUp = (email: string, extra: Record<string, string> = {}, sourceIp?: string) =>
    call('POST', '/subscribe', new URLSearchParams({ email, ...extra }).toString(), sourceIp);
  /** The path and query of the newest confirmation link sent. */
  const lastLink = () => {
    const url = new URL(memory.sent.at(-1)?.url ?? 'https://x/none');
    return `${url.pathname}${url.search}`;
  };
  return { ...memory, call, signUp, lastLink };
}

const stored = (email: string, status: Subscriber['status']): Subscriber => ({
  email,
  status,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
});

describe('signing up on the public site', () => {
  it('shows an accessible form at /subscribe and at the site root', async () => {
    const { call } = site();
    for (const path of ['/subscribe', '/']) {
      const page = await call('GET', path);
      expect(page.status).toBe(200);
      expect(page.body).toContain('<label for="email">Email address</label>');
      expect(page.body).toContain(
        '<input type="email" id="email" name="email" autocomplete="email" required',
      );
      expect(page.body).toContain('<html lang="en">');
      expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    }
  });

  it('records a new address as pending and sends it one confirmation link, and nothing else', async () => {
    const { signUp, rows, sent } = site();
    const page = await signUp(' Ana@Example.org ', { name: 'Ana  Silva' });
    expect(page.status).toBe(200);
    expect(page.body).toContain('Check your inbox');
    expect(rows.get('ana@example.org')).toMatchObject({ status: 'pending', name: 'Ana Silva' });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.to).toBe('ana@example.org');
    expect(sent[0]?.url).toMatch(/^https:\/\/list\.example\.com\/confirm\?t=c1\./);
    expect(sent[0]?.url).not.toContain('ana');
  });

  it('answers every address the same, so the form tells nobody who is on the list', async () => {
    const { signUp, rows, sent } = site();
    for (const status of ['active', 'bounced', 'complained'] as const)
      rows.set(`${status}@example.org`, stored(`${status}@example.org`, status));
    rows.set(forgottenKey('gone@example.org'), stored(forgottenKey('gone@example.org'), 'forgotten'));
    const answers = [];
    for (const email of [
      'new@example.org',
      'new@example.org', // pending, asked again a moment later
      'active@example.org',
      'bounced@example.org',
      'complained@example.org',
      'gone@example.org',
    ])
      answers.push(await signUp(email, {}, `198.51.100.${answers.length}`));
    answers.push(await signUp('bot@example.org', { website: 'http://spam.example' }, '198.51.100.9'));
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body).toBe(answers[0]?.body);
    }
    // Only the new address was written to, and only it got mail.
    expect(sent.map((message) => message.to)).toEqual(['new@example.org']);
    expect(rows.get('bounced@example.org')?.status).toBe('bounced');
    expect(rows.get('active@example.org')?.updatedAt).toBe('2026-01-01T00:00:00Z');
    expect(rows.has('bot@example.org')).toBe(false);
  });

  it('says what is wrong with a malformed address, keeping what was typed, escaped', async () => {
    const { signUp, rows } = site();
    const page = await signUp('not-an-address"><script>alert(1)</script>', { name: '<b>Ana</b>' });
    expect(page.status).toBe(400);
    expect(page.body).toContain('role="alert"');
    expect(page.body).toContain('That does not look like one email address');
    expect(page.body).not.toContain('<script>alert(1)');
    expect(page.body).toContain('value="&lt;b&gt;Ana&lt;/b&gt;"');
    expect(rows.size).toBe(0);
  });

  it('limits sign-ups from one source, with a 429 that names no address', async () => {
    const { signUp, sent } = site();
    const answers = [];
    for (let index = 0; index < 12; index++) answers.push((await signUp(`r${index}@example.org`)).status);
    expect(answers.slice(0, 10)).toEqual(Array(10).fill(200));
    expect(answers.slice(10)).toEqual([429, 429]);
    expect(sent).toHaveLength(10);
  });

  it('sends a confirmation again only after ten minutes, with a link that still works alongside the first', async () => {
    const { signUp, sent, advance, call } = site();
    await signUp('ana@example.org');
    await signUp('ana@example.org', {}, '198.51.100.1');
    expect(sent).toHaveLength(1);
    advance(11);
    await signUp('ana@example.org', {}, '198.51.100.2');
    expect(sent).toHaveLength(2);
    const first = new URL(sent[0]?.url ?? '');
    expect((await call('POST', `${first.pathname}${first.search}`)).body).toContain('You are subscribed');
  });

  it('answers as always when the confirmation cannot be sent (logged), and lets the person try again at once', async () => {
    const memory = site();
    const logged: string[] = [];
    memory.ports.log = (event) => logged.push(event);
    let failing = true;
    const sendConfirmation = memory.ports.sendConfirmation;
    memory.ports.sendConfirmation = async (to, url) => {
      if (failing) throw new Error('SES is unreachable');
      await sendConfirmation(to, url);
    };
    const failed = await memory.signUp('ana@example.org');
    const known = await memory.signUp('ana@example.org', {}, '198.51.100.3');
    expect(failed.status).toBe(200);
    expect(failed.body).toBe(known.body);
    expect(logged[0]).toContain('could not be sent');
    failing = false;
    expect((await memory.signUp('ana@example.org', {}, '198.51.100.1')).status).toBe(200);
    expect(memory.sent).toHaveLength(1);
  });

  it('takes at least the minimum answer time for every address, so timing tells nothing', async () => {
    const memory = site();
    memory.ports.minimumAnswerMs = 150;
    memory.rows.set('known@example.org', stored('known@example.org', 'active'));
    for (const email of ['known@example.org', 'new@example.org']) {
      const started = performance.now();
      await memory.signUp(email, {}, `198.51.100.${email.length}`);
      expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    }
  });
});

describe('confirming a sign-up', () => {
  it('shows a Confirm button on GET and changes nothing; the POST makes the address active', async () => {
    const { signUp, call, rows, lastLink } = site();
    await signUp('ana@example.org');
    const shown = await call('GET', lastLink());
    expect(shown.status).toBe(200);
    expect(shown.body).toContain('<button type="submit">Confirm my subscription</button>');
    expect(shown.body).not.toContain('ana@example.org');
    expect(rows.get('ana@example.org')?.status).toBe('pending');

    const confirmed = await call('POST', lastLink());
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toContain('You are subscribed');
    expect(rows.get('ana@example.org')).toMatchObject({ status: 'active' });
    expect(rows.get('ana@example.org')?.confirmation).toBeUndefined();
    expect((await call('POST', lastLink())).body).toContain('You are already subscribed');
  });

  it('refuses a tampered link, another list’s link and a link older than seven days', async () => {
    const { signUp, call, rows, advance, lastLink } = site();
    await signUp('ana@example.org');
    const link = lastLink();
    expect((await call('POST', `${link.slice(0, -2)}xx`)).status).toBe(400);
    const nonce = rows.get('ana@example.org')?.confirmation?.nonce ?? '';
    const otherList = signConfirmToken(
      { list: 'other.example.com', address: 'ana@example.org', nonce },
      SECRET,
      new Date('2026-11-25T10:00:00Z'),
    );
    expect((await call('POST', `/confirm?t=${encodeURIComponent(otherList)}`)).status).toBe(400);
    advance(7 * 24 * 60 + 1);
    const late = await call('POST', link);
    expect(late.status).toBe(400);
    expect(late.body).toContain('This link does not work');
    expect(rows.get('ana@example.org')?.status).toBe('pending');
  });

  it('needs a new confirmation after an unsubscribe: the old link is used up', async () => {
    const { signUp, call, rows, sent, lastLink, advance } = site();
    await signUp('ana@example.org');
    const firstLink = lastLink();
    await call('POST', firstLink);
    rows.set('ana@example.org', {
      ...stored('ana@example.org', 'unsubscribed'),
      createdAt: '2026-11-25T10:00:00Z',
    });
    expect((await call('POST', firstLink)).status).toBe(400);
    advance(1);
    await signUp('ana@example.org', {}, '198.51.100.1');
    expect(rows.get('ana@example.org')?.status).toBe('pending');
    expect(sent).toHaveLength(2);
    await call('POST', lastLink());
    expect(rows.get('ana@example.org')?.status).toBe('active');
  });

  it('never confirms an address that bounced or complained since it signed up', async () => {
    const { signUp, call, rows, lastLink } = site();
    await signUp('ana@example.org');
    rows.set('ana@example.org', stored('ana@example.org', 'bounced'));
    expect((await call('POST', lastLink())).status).toBe(400);
    expect(rows.get('ana@example.org')?.status).toBe('bounced');
  });
});

describe('the archive on the public site', () => {
  it('lists past issues, serves each one, and offers an Atom feed of them', async () => {
    const { call } = site();
    const listing = await call('GET', '/archive/');
    expect(listing.status).toBe(200);
    expect(listing.body).toContain('<a href="https://list.example.com/archive/2026-W47">Copper</a>');
    expect(listing.headers['content-security-policy']).toContain("default-src 'none'");
    expect((await call('GET', '/archive')).status).toBe(200);

    const issue = await call('GET', '/archive/2026-W47');
    expect(issue.body).toBe('<p>archived</p>');
    expect((await call('GET', '/view/2026-W47')).body).toBe('<p>archived</p>');
    expect((await call('GET', '/archive/2026-W01')).status).toBe(404);

    const feed = await call('GET', '/feed.xml');
    expect(feed.status).toBe(200);
    expect(feed.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    expect(feed.body).toContain('<content type="html">&lt;p&gt;archived&lt;/p&gt;</content>');
  });

  it('changes nothing on a POST to the archive or the feed', async () => {
    const { call } = site();
    expect((await call('POST', '/archive/')).status).toBe(405);
    expect((await call('POST', '/feed.xml')).status).toBe(405);
  });
});

describe('unsubscribing from the site', () => {
  it('unsubscribes an active or pending address, and never turns a bounce or complaint into a status a sign-up could undo', async () => {
    const store = new MemorySubscribers();
    for (const status of ['active', 'pending', 'bounced', 'complained'] as const)
      store.rows.set(`${status}@example.org`, stored(`${status}@example.org`, status));
    const now = () => new Date('2026-11-25T10:00:00Z');
    const results: Record<string, boolean> = {};
    for (const status of ['active', 'pending', 'bounced', 'complained', 'stranger'])
      results[status] = await unsubscribeAddress(`${status}@example.org`, { store, now });
    expect(results).toEqual({
      active: true,
      pending: true,
      bounced: false,
      complained: false,
      stranger: false,
    });
    expect(store.rows.get('bounced@example.org')?.status).toBe('bounced');
    expect(store.rows.get('complained@example.org')?.status).toBe('complained');
    expect(store.rows.has('stranger@example.org')).toBe(false);
    expect(store.rows.get('pending@example.org')).toMatchObject({ status: 'unsubscribed' });

    // And a sign-up of the bounced address afterwards sends it nothing.
    const memory = memorySitePorts({ secret: SECRET, listId: LIST });
    memory.rows.set('bounced@example.org', stored('bounced@example.org', 'bounced'));
    await unsubscribeAddress('bounced@example.org', { store: memory.ports.store, now });
    await handleSiteRequest(
      {
        method: 'POST',
        path: '/subscribe',
        query: {},
        body: 'email=bounced%40example.org',
        contentType: FORM,
        sourceIp: '203.0.113.9',
      },
      memory.ports,
    );
    expect(memory.sent).toEqual([]);
    expect(memory.rows.get('bounced@example.org')?.status).toBe('bounced');
  });
});

describe('addresses on the form', () => {
  it('refuses addresses longer than mail servers accept (64 before the @, 254 in all)', async () => {
    const { signUp, rows } = site();
    expect((await signUp(`${'a'.repeat(65)}@example.org`)).status).toBe(400);
    expect((await signUp(`ana@${'b'.repeat(250)}.org`)).status).toBe(400);
    expect((await signUp(`${'a'.repeat(64)}@example.org`)).status).toBe(200);
    expect(rows.size).toBe(1);
  });
});

describe('the site under misuse', () => {
  it('says on opening that a used confirmation link is used, without showing a button', async () => {
    const { signUp, call, lastLink, rows } = site();
    await signUp('ana@example.org');
    await call('POST', lastLink());
    const reopened = await call('GET', lastLink());
    expect(reopened.body).toContain('You are already subscribed');
    expect(reopened.body).not.toContain('<button');
    rows.set('ana@example.org', stored('ana@example.org', 'unsubscribed'));
    expect((await call('GET', lastLink())).status).toBe(400);
  });

  it('serves only issues that went out, answers HEAD like GET without a body, and names the methods it allows', async () => {
    const { call, ports } = site();
    ports.archive = { ...ports.archive, html: async () => '<p>written, not yet sent</p>' };
    expect((await call('GET', '/archive/2026-W48')).status).toBe(404);
    expect((await call('DELETE', '/archive/2026-W47')).status).toBe(405);
    const head = await call('HEAD', '/feed.xml');
    expect([head.status, head.body]).toEqual([200, '']);
    expect((await call('POST', '/feed.xml')).headers.allow).toBe('GET, HEAD');
  });

  it('answers a failure behind it with a page and its security headers, never a trace', async () => {
    const { call, ports } = site();
    ports.store = {
      update: async () => {
        throw new Error('EACCES: permission denied, open subscribers.csv');
      },
    };
    const page = await call('POST', '/subscribe', 'email=ana%40example.org');
    expect(page.status).toBe(503);
    expect(page.body).not.toContain('EACCES');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
  });
});

describe('source addresses for the rate limit', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:aaaa::1', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff:0000:0000:0001', '2001:db8:1:2::/64'],
    ['2001:db8::', '2001:db8:0:0::/64'],
  ])('counts %s as %s (IPv6 by its /64)', (ip, key) => {
    expect(sourceKey(ip)).toBe(key);
  });
});
