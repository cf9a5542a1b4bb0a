import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LevelLedger } from '../../src/adapters/ledger-level.js';
import { SesOutbox } from '../../src/adapters/outbox-ses.js';
import { accountedFor, deliverIssue, ledgerKeyOf } from '../../src/core/delivery/deliver.js';
import { temporaryFolder } from '../helpers/briefings.js';
import { IDENTITY, ISSUE, SECRET, subscribers } from '../helpers/sending.js';
import { type LocalSes, startLocalSes } from '../helpers/ses.js';

let ses: LocalSes;
beforeAll(async () => {
  ses = await startLocalSes();
});
afterAll(async () => {
  await ses?.close();
});
beforeEach(async () => {
  await ses.clear();
  ses.captured.length = 0;
});

const headersOf = (raw: Buffer) =>
  raw
    .toString('utf8')
    .split('\r\n\r\n')[0]
    ?.replace(/\r\n[ \t]+/g, ' ') ?? '';

describe('sending through a local SES server', () => {
  it('delivers the right recipient, subject, text and HTML, with both List-Unsubscribe headers on the wire', async () => {
    const ledger = await LevelLedger.open(join(temporaryFolder(), 'ledger'));
    const outbox = new SesOutbox({ client: ses.client, configurationSetName: 'digest-events' });
    const summary = await deliverIssue(ISSUE, subscribers(3), {
      identity: IDENTITY,
      unsubscribeSecret: SECRET,
      ledger,
      outbox,
      rateLimit: async () => {},
      concurrency: 2,
    });
    expect(summary).toMatchObject({ sent: 3, failed: 0 });

    const emails = await ses.emails();
    expect(emails.map((email) => email.destination.to[0]).sort()).toEqual([
      'reader0@example.org',
      'reader1@example.org',
      'reader2@example.org',
    ]);
    for (const email of emails) {
      expect(email.subject).toBe(ISSUE.subject);
      expect(email.from).toContain('news@metals.example');
      expect(email.body.text).toContain('Copper output slipped.');
      expect(email.body.html).toContain('<p>Copper output slipped.</p>');
      expect(email.body.html).toMatch(/href="https:\/\/metals\.example\/unsubscribe\?t=[\w.-]+"/);
    }
    expect(ses.captured).toHaveLength(3);
    for (const raw of ses.captured) {
      const headers = headersOf(raw);
      expect(headers).toMatch(
        /List-Unsubscribe: <https:\/\/metals\.example\/unsubscribe\?t=[\w.-]+>, <mailto:unsubscribe@metals\.example\?subject=unsubscribe%20[\w.-]+>/,
      );
      expect(headers).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    }
    expect(summary.destination).toBe('ses/digest-events');
    const ledgerRecord = await ledger.get(
      ledgerKeyOf(ISSUE.issueId, outbox.destination),
      'reader0@example.org',
    );
    expect(emails.map((email) => email.messageId)).toContain(ledgerRecord?.messageId);
    await ledger.close();
  });

  it('with 20% throttling and 1% permanent rejections, sends 2,000 recipients exactly once or fails them with a reason', async () => {
    // Faults no local server produces: injected as SDK middleware in front of the real call.
    // A seeded generator makes any failure reproducible.
    let seed = 20261123;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const rejected = (to: string) => Number(/reader(\d+)@/.exec(to)?.[1]) % 100 === 42;
    const outbox = new SesOutbox({ client: ses.client });
    let throttled = 0;
    outbox.client.middlewareStack.add(
      (next) => async (args) => {
        const to = (args as { input?: { Destinations?: string[] } }).input?.Destinations?.[0] ?? '';
        if (random() < 0.2) {
          throttled++;
          throw Object.assign(new Error('Maximum sending rate exceeded.'), {
            name: 'Throttling',
            $metadata: { httpStatusCode: 400 },
          });
        }
        if (rejected(to))
          throw Object.assign(new Error('Mailbox unavailable'), {
            name: 'MessageRejected',
            $metadata: { httpStatusCode: 400 },
          });
        return next(args);
      },
      { step: 'initialize', name: 'injectFaults', priority: 'high' },
    );
    const ledger = await LevelLedger.open(join(temporaryFolder(), 'ledger'));
    const summary = await deliverIssue(ISSUE, subscribers(2000), {
      identity: IDENTITY,
      unsubscribeSecret: SECRET,
      ledger,
      outbox,
      rateLimit: async () => {},
      concurrency: 16,
      backoff: { baseMs: 2, capMs: 50, maxAttempts: 10 },
    });

    expect(throttled).toBeGreaterThan(300);
    expect(summary).toMatchObject({
      active: 2000,
      sent: 1980,
      failed: 20,
      failedByReason: { 'MessageRejected: Mailbox unavailable': 20 },
    });
    expect(accountedFor(summary)).toBe(true);
    const emails = await ses.emails();
    const perRecipient = new Map<string, number>();
    for (const email of emails)
      for (const to of email.destination.to) perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
    expect(emails).toHaveLength(1980);
    expect([...perRecipient.values()].every((count) => count === 1)).toBe(true);
    for (const [to] of perRecipient) expect(rejected(to)).toBe(false);
    for await (const record of ledger.records(ISSUE.issueId)) {
      expect(record.status).toBe(rejected(record.recipient) ? 'failed' : 'sent');
    }
    await ledger.close();
  });
});
