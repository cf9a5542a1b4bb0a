import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runDigest } from '../helpers/cli.js';
import { type FaultyProxy, refusingEndpoint, startFaultyProxy } from '../helpers/faulty-proxy.js';
import { builtDigest, subscriberList } from '../helpers/sending.js';
import { type LocalSes, startLocalSes } from '../helpers/ses.js';

/**
 * Faults where the world produces them: at the network, between `digest send` (the real CLI,
 * its real SES client) and aws-ses-v2-local, through a TCP proxy that forwards each request and
 * then loses the answer, or never answers.
 */
let ses: LocalSes;
const proxies: FaultyProxy[] = [];
beforeAll(async () => {
  ses = await startLocalSes();
});
afterAll(async () => {
  for (const proxy of proxies) await proxy.close();
  await ses?.close();
});
beforeEach(async () => {
  await ses.clear();
});

const AWS = {
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
  DIGEST_UNSUBSCRIBE_SECRET: 'a-long-enough-test-secret',
};
const send = (digest: string, subscribers: string, endpoint: string, ...more: string[]) =>
  runDigest(
    ['send', '--digest', digest, '--subscribers', subscribers, '--outbox', 'ses', '--rate', '500', ...more],
    {
      ...AWS,
      AWS_ENDPOINT_URL_SES: endpoint,
    },
  );
const summaryOf = (digest: string) => JSON.parse(readFileSync(join(digest, 'send-summary.json'), 'utf8'));
const perRecipient = async () => {
  const counts = new Map<string, number>();
  for (const email of await ses.emails())
    for (const to of email.destination.to) counts.set(to, (counts.get(to) ?? 0) + 1);
  return counts;
};

describe('digest send when SES took the message and the answer was lost', () => {
  it('never sends twice: the lost ones are reported unconfirmed and sent again only when asked', async () => {
    const proxy = await startFaultyProxy(ses.endpoint, { dropEvery: 4 });
    proxies.push(proxy);
    const digest = builtDigest();
    const subscribers = subscriberList(30);

    const run = await send(digest, subscribers, proxy.endpoint, '--concurrency', '4');
    expect(run.code).toBe(0);
    expect(proxy.dropped).toBeGreaterThan(0);
    const counts = await perRecipient();
    expect(counts.size).toBe(30);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
    expect(summaryOf(digest)).toMatchObject({
      sent: 30 - proxy.dropped,
      unconfirmed: proxy.dropped,
      answerLost: proxy.dropped,
      failed: 0,
    });
    expect(run.stdout).toContain("SES's answer was lost");
    expect(run.stdout).toContain('--resend-unconfirmed');

    const again = await send(digest, subscribers, ses.endpoint);
    expect(again.code).toBe(0);
    expect((await ses.emails()).length).toBe(30);
    expect(summaryOf(digest)).toMatchObject({
      sent: 0,
      alreadySent: 30 - proxy.dropped,
      unconfirmed: proxy.dropped,
    });

    const resent = await send(digest, subscribers, ses.endpoint, '--resend-unconfirmed');
    expect(summaryOf(digest)).toMatchObject({ sent: proxy.dropped, resent: proxy.dropped, unconfirmed: 0 });
    expect(resent.code).toBe(0);
  });

  it('reports a message whose answer never came as unconfirmed after --ses-timeout, not as failed', async () => {
    const proxy = await startFaultyProxy(ses.endpoint, { stall: true });
    proxies.push(proxy);
    const digest = builtDigest();
    const run = await send(
      digest,
      subscriberList(3),
      proxy.endpoint,
      '--ses-timeout',
      '1',
      '--concurrency',
      '3',
    );
    expect(run.code).toBe(0);
    expect(summaryOf(digest)).toMatchObject({ sent: 0, failed: 0, unconfirmed: 3, answerLost: 3 });
    expect((await ses.emails()).length).toBe(3);
  });
});

describe('digest send when SES cannot be used at all', () => {
  it('stops at once when SES refuses connections, exits 1 with one line, and leaves everyone for the next run', async () => {
    const digest = builtDigest();
    const subscribers = subscriberList(20);
    const archive = join(mkdtempSync(join(tmpdir(), 'archive-')), 'archive');
    // No --rate: the quota lookup fails too, and the report says so instead of quietly slowing down.
    const run = await runDigest(
      ['send', '--digest', digest, '--subscribers', subscribers, '--outbox', 'ses', '--archive', archive],
      {
        ...AWS,
        AWS_ENDPOINT_URL_SES: await refusingEndpoint(),
      },
    );
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^digest: cannot reach SES \(.*ECONNREFUSED.*\): check the network/);
    expect(run.stdout).toContain('Stopped early');
    expect(run.stdout).toMatch(/rate\s+SES did not give its maximum send rate/);
    expect(summaryOf(digest)).toMatchObject({ sent: 0, failed: 0, unconfirmed: 0, notAttempted: 20 });
    // Nothing went out, so the issue is not published yet: the run that sends it publishes it.
    expect(summaryOf(digest).archive).toMatchObject({ status: 'nothing-went-out' });
    expect(existsSync(archive)).toBe(false);

    const next = await send(digest, subscribers, ses.endpoint, '--archive', archive);
    expect(next.code).toBe(0);
    expect(summaryOf(digest)).toMatchObject({ sent: 20, failed: 0, archive: { status: 'archived' } });
    expect(existsSync(join(archive, '2026-W47', 'digest.html'))).toBe(true);
  });

  it('stops at once without credentials, exits 1 with one line, and leaves everyone for the next run', async () => {
    const digest = builtDigest();
    const subscribers = subscriberList(5);
    const run = await runDigest(
      ['send', '--digest', digest, '--subscribers', subscribers, '--outbox', 'ses', '--rate', '100'],
      {
        AWS_REGION: 'us-east-1',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_ENDPOINT_URL_SES: ses.endpoint,
        DIGEST_UNSUBSCRIBE_SECRET: 'a-long-enough-test-secret',
        HOME: mkdtempSync(join(tmpdir(), 'no-aws-')),
      },
    );
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toMatch(
      /^digest: AWS credentials are missing or invalid \(\w+\): configure them/,
    );
    expect(summaryOf(digest)).toMatchObject({ sent: 0, notAttempted: 5 });
    expect(await send(digest, subscribers, ses.endpoint)).toMatchObject({ code: 0 });
    expect(summaryOf(digest)).toMatchObject({ sent: 5 });
  });
});

describe('digest send to two destinations', () => {
  it('keeps a rehearsal into files from blocking the real send through SES, and names each destination', async () => {
    const digest = builtDigest();
    const subscribers = subscriberList(10);
    const rehearsal = await runDigest(['send', '--digest', digest, '--subscribers', subscribers]);
    expect(rehearsal.code).toBe(0);
    expect(summaryOf(digest)).toMatchObject({ sent: 10, destination: `file:${join(digest, 'outbox')}` });
    const real = await send(digest, subscribers, ses.endpoint);
    expect(real.code).toBe(0);
    expect(real.stdout).not.toContain('Nothing to send');
    expect(summaryOf(digest)).toMatchObject({ sent: 10, destination: 'ses' });
    expect((await ses.emails()).length).toBe(10);
  });
});
