import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LevelLedger } from '../../src/adapters/ledger-level.js';
import { FileOutbox } from '../../src/adapters/outbox-file.js';
import { accountedFor, deliverIssue, ledgerKeyOf } from '../../src/core/delivery/deliver.js';
import { DeliveryFailure, type Outbox } from '../../src/core/delivery/outbox.js';
import { verifyUnsubscribeToken } from '../../src/core/delivery/unsubscribe-token.js';
import { temporaryFolder } from '../helpers/briefings.js';
import { IDENTITY, ISSUE, SECRET, subscribers } from '../helpers/sending.js';

const fast = { backoff: { baseMs: 1, capMs: 5, maxAttempts: 8 } };
const context = (ledger: LevelLedger, outbox: Outbox) => ({
  identity: IDENTITY,
  unsubscribeSecret: SECRET,
  ledger,
  outbox,
  rateLimit: async () => {},
  concurrency: 8,
  ...fast,
});

describe('deliverIssue with the local ledger and the file outbox', () => {
  it('sends each active subscriber one message with their own unsubscribe link, and none to the suppressed', async () => {
    const folder = temporaryFolder();
    const ledger = await LevelLedger.open(join(folder, 'ledger'));
    const outbox = new FileOutbox(join(folder, 'outbox'));
    const statuses = ['active', 'unsubscribed', 'active', 'bounced', 'complained', 'active'] as const;
    const summary = await deliverIssue(
      ISSUE,
      subscribers(6, (index) => statuses[index] ?? 'active'),
      context(ledger, outbox),
    );
    await ledger.close();

    expect(summary).toMatchObject({
      active: 3,
      sent: 3,
      failed: 0,
      suppressed: { unsubscribed: 1, bounced: 1, complained: 1 },
    });
    expect(accountedFor(summary)).toBe(true);
    const files = readdirSync(join(folder, 'outbox')).sort();
    expect(files.map((file) => file.split('-')[0])).toEqual([
      'reader0_at_example.org',
      'reader2_at_example.org',
      'reader5_at_example.org',
    ]);
    const message = readFileSync(join(folder, 'outbox', files[0] ?? ''), 'utf8');
    const token = /[?&]t=([\w.-]+)/.exec(message)?.[1] ?? '';
    expect(verifyUnsubscribeToken(token, SECRET)).toEqual({
      list: IDENTITY.listId,
      address: 'reader0@example.org',
    });
    expect(message).not.toContain('%%');
  });

  it('sends nothing on a re-run of a finished issue and says so in the counts', async () => {
    const folder = temporaryFolder();
    const outbox = new FileOutbox(join(folder, 'outbox'));
    let ledger = await LevelLedger.open(join(folder, 'ledger'));
    await deliverIssue(ISSUE, subscribers(20), context(ledger, outbox));
    await ledger.close();

    ledger = await LevelLedger.open(join(folder, 'ledger'));
    let sends = 0;
    const counting: Outbox = {
      destination: outbox.destination,
      send: async (message) => {
        sends++;
        return outbox.send(message);
      },
    };
    const again = await deliverIssue(ISSUE, subscribers(20), context(ledger, counting));
    await ledger.close();
    expect(sends).toBe(0);
    expect(again).toMatchObject({ active: 20, sent: 0, alreadySent: 20 });
  });

  it('reports a claim without an outcome as unconfirmed and sends it again only when asked', async () => {
    const folder = temporaryFolder();
    const files = new FileOutbox(join(folder, 'outbox'));
    // An outbox that cannot tell whether a message arrived (SES cannot).
    const outbox: Outbox = { destination: files.destination, send: (message) => files.send(message) };
    const ledger = await LevelLedger.open(join(folder, 'ledger'));
    // A crash between claim and send leaves exactly this behind (in a ledger from before
    // destination scoping: the issue keeps its plain key).
    await ledger.claim(ISSUE.issueId, 'reader1@example.org', new Date().toISOString());
    const first = await deliverIssue(ISSUE, subscribers(3), context(ledger, outbox));
    expect(first).toMatchObject({ sent: 2, unconfirmed: 1, unconfirmedRecipients: ['r***@example.org'] });

    const resent = await deliverIssue(ISSUE, subscribers(3), {
      ...context(ledger, outbox),
      resendUnconfirmed: true,
    });
    expect(resent).toMatchObject({ sent: 1, resent: 1, alreadySent: 2, unconfirmed: 0 });
    expect(await ledger.get(ISSUE.issueId, 'reader1@example.org')).toMatchObject({
      status: 'sent',
      attempts: 2,
    });
    await ledger.close();
  });

  it('retries throttling, records permanent rejections with their reason, and goes on (faults injected by a wrapping outbox)', async () => {
    const folder = temporaryFolder();
    const ledger = await LevelLedger.open(join(folder, 'ledger'));
    const outbox = new FileOutbox(join(folder, 'outbox'));
    let calls = 0;
    // A stand-in for faults no local server produces on demand: every 3rd call is throttled,
    // and reader7 is rejected outright.
    const flaky: Outbox = {
      destination: outbox.destination,
      send: async (message) => {
        calls++;
        if (message.to === 'reader7@example.org')
          throw new DeliveryFailure('permanent', 'MessageRejected: mailbox does not exist');
        if (calls % 3 === 0)
          throw new DeliveryFailure('throttled', 'Throttling: Maximum sending rate exceeded.');
        return outbox.send(message);
      },
    };
    const summary = await deliverIssue(ISSUE, subscribers(30), context(ledger, flaky));
    expect(summary).toMatchObject({
      active: 30,
      sent: 29,
      failed: 1,
      failedByReason: { 'MessageRejected: mailbox does not exist': 1 },
    });
    expect(
      await ledger.get(ledgerKeyOf(ISSUE.issueId, outbox.destination), 'reader7@example.org'),
    ).toMatchObject({
      status: 'failed',
      reason: 'MessageRejected: mailbox does not exist',
    });
    expect(readdirSync(join(folder, 'outbox'))).toHaveLength(29);
    await ledger.close();
  });

  it('stops at an account-level error, releases the claim it could not use, and accounts for everyone', async () => {
    const folder = temporaryFolder();
    const ledger = await LevelLedger.open(join(folder, 'ledger'));
    const outbox = new FileOutbox(join(folder, 'outbox'));
    let calls = 0;
    const paused: Outbox = {
      destination: outbox.destination,
      send: async (message) => {
        if (++calls > 5)
          throw new DeliveryFailure('account', 'SES sending is paused for this account: see the SES console');
        return outbox.send(message);
      },
    };
    const summary = await deliverIssue(ISSUE, subscribers(40), {
      ...context(ledger, paused),
      concurrency: 1,
    });
    expect(summary.stoppedBy).toBe('SES sending is paused for this account: see the SES console');
    expect(summary).toMatchObject({ active: 40, sent: 5, notAttempted: 35 });
    expect(accountedFor(summary)).toBe(true);
    const records = [];
    for await (const record of ledger.records(ledgerKeyOf(ISSUE.issueId, outbox.destination)))
      records.push(record);
    expect(records.map((record) => record.status)).toEqual(Array(5).fill('sent'));
    await ledger.close();
  });

  it('counts without sending in a dry run', async () => {
    const folder = temporaryFolder();
    const ledger = await LevelLedger.open(join(folder, 'ledger'));
    const summary = await deliverIssue(
      ISSUE,
      subscribers(4, (index) => (index === 0 ? 'unsubscribed' : 'active')),
      {
        ...context(ledger, new FileOutbox(join(folder, 'outbox'))),
        dryRun: true,
      },
    );
    expect(summary).toMatchObject({ active: 3, wouldSend: 3, sent: 0 });
    expect(await ledger.get(ledgerKeyOf(ISSUE.issueId, 'file:x'), 'reader1@example.org')).toBeUndefined();
    await ledger.close();
  });

  it('settles a claim an interrupted run left by looking in the file outbox: there means sent, absent means send now', async () => {
    const folder = temporaryFolder();
    const outbox = new FileOutbox(join(folder, 'outbox'));
    const ledger = await LevelLedger.open(join(folder, 'ledger'));
    const key = ledgerKeyOf(ISSUE.issueId, outbox.destination);
    await deliverIssue(ISSUE, subscribers(1), context(ledger, outbox));
    // reader0's message was written; the run then died before recording reader0 and reader1.
    await ledger.release(key, 'reader0@example.org');
    const now = new Date().toISOString();
    await ledger.claim(key, 'reader0@example.org', now);
    await ledger.claim(key, 'reader1@example.org', now);
    let sends = 0;
    const counting: Outbox = {
      destination: outbox.destination,
      send: (message) => {
        sends++;
        return outbox.send(message);
      },
      confirm: (message) => outbox.confirm(message),
    };
    const summary = await deliverIssue(ISSUE, subscribers(3), context(ledger, counting));
    expect(summary).toMatchObject({ sent: 2, alreadySent: 1, confirmed: 1, unconfirmed: 0 });
    expect(sends).toBe(2);
    expect(readdirSync(join(folder, 'outbox'))).toHaveLength(3);
    expect(await ledger.get(key, 'reader0@example.org')).toMatchObject({ status: 'sent' });
    await ledger.close();
  });

  it('keeps one exactly-once record per destination: a rehearsal into files does not block the real send', async () => {
    const folder = temporaryFolder();
    const ledger = await LevelLedger.open(join(folder, 'ledger'));
    const rehearsal = await deliverIssue(
      ISSUE,
      subscribers(5),
      context(ledger, new FileOutbox(join(folder, 'rehearsal'))),
    );
    const real = await deliverIssue(
      ISSUE,
      subscribers(5),
      context(ledger, new FileOutbox(join(folder, 'real'))),
    );
    const again = await deliverIssue(
      ISSUE,
      subscribers(5),
      context(ledger, new FileOutbox(join(folder, 'real'))),
    );
    expect([rehearsal.sent, real.sent, again.sent, again.alreadySent]).toEqual([5, 5, 0, 5]);
    expect(real.destination).toBe(`file:${join(folder, 'real')}`);
    await ledger.close();
  });

  it('sends again to failed recipients with --retry-failed, and only to them', async () => {
    const folder = temporaryFolder();
    const ledger = await LevelLedger.open(join(folder, 'ledger'));
    const outbox = new FileOutbox(join(folder, 'outbox'));
    let rejecting = true;
    const picky: Outbox = {
      destination: outbox.destination,
      send: async (message) => {
        if (rejecting && message.to === 'reader2@example.org')
          throw new DeliveryFailure('permanent', 'MessageRejected: mailbox full');
        return outbox.send(message);
      },
    };
    expect(await deliverIssue(ISSUE, subscribers(4), context(ledger, picky))).toMatchObject({
      sent: 3,
      failed: 1,
    });
    expect(await deliverIssue(ISSUE, subscribers(4), context(ledger, picky))).toMatchObject({
      sent: 0,
      alreadyFailed: 1,
    });
    rejecting = false;
    const retried = await deliverIssue(ISSUE, subscribers(4), {
      ...context(ledger, picky),
      retryFailed: true,
    });
    expect(retried).toMatchObject({ sent: 1, retried: 1, alreadySent: 3, alreadyFailed: 0, failed: 0 });
    expect(accountedFor(retried)).toBe(true);
    expect(
      await ledger.get(ledgerKeyOf(ISSUE.issueId, outbox.destination), 'reader2@example.org'),
    ).toMatchObject({
      status: 'sent',
      attempts: 2,
    });
    await ledger.close();
  });
});

describe('LevelLedger', () => {
  it('lets only one claim per recipient win, even when many race', async () => {
    const ledger = await LevelLedger.open(join(temporaryFolder(), 'ledger'));
    const now = new Date().toISOString();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => ledger.claim('2026-W47', 'ana@example.org', now)),
    );
    expect(results.filter((result) => result.claimed)).toHaveLength(1);
    await ledger.close();
  });

  it('keeps every record across a reopen', async () => {
    const folder = join(temporaryFolder(), 'ledger');
    const now = new Date().toISOString();
    let ledger = await LevelLedger.open(folder);
    await ledger.claim('2026-W47', 'ana@example.org', now);
    await ledger.markSent('2026-W47', 'ana@example.org', 'msg-1', now);
    await ledger.claim('2026-W47', 'ben@example.org', now);
    await ledger.close();
    ledger = await LevelLedger.open(folder);
    expect(await ledger.get('2026-W47', 'ana@example.org')).toMatchObject({
      status: 'sent',
      messageId: 'msg-1',
    });
    expect(await ledger.get('2026-W47', 'ben@example.org')).toMatchObject({ status: 'claimed' });
    expect(await ledger.get('2026-W48', 'ana@example.org')).toBeUndefined();
    await ledger.close();
  });

  it('refuses a second sender on the same ledger', async () => {
    const folder = join(temporaryFolder(), 'ledger');
    const ledger = await LevelLedger.open(folder);
    await expect(LevelLedger.open(folder)).rejects.toThrow(
      `the ledger ${folder} is in use by another digest send: wait for it to finish`,
    );
    await ledger.close();
  });
});

describe('the subscriber list is streamed', () => {
  it('sends to more subscribers than fit in the in-flight window without reading ahead', async () => {
    const folder = temporaryFolder();
    const ledger = await LevelLedger.open(join(folder, 'ledger'));
    let pulled = 0;
    let maxAhead = 0;
    let sent = 0;
    async function* counted() {
      for await (const item of subscribers(200)) {
        pulled++;
        maxAhead = Math.max(maxAhead, pulled - sent);
        yield item;
      }
    }
    const outbox: Outbox = {
      destination: 'memory:counting',
      send: async (message) => {
        sent++;
        return { messageId: message.messageId };
      },
    };
    await deliverIssue(ISSUE, counted(), context(ledger, outbox));
    await ledger.close();
    expect(sent).toBe(200);
    expect(maxAhead).toBeLessThanOrEqual(8 + 1);
  });
});
