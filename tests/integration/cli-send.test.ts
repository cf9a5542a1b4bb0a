import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LevelLedger } from '../../src/adapters/ledger-level.js';
import { ledgerKeyOf } from '../../src/core/delivery/deliver.js';
import { temporaryFolder } from '../helpers/briefings.js';
import { ROOT, runDigest, TEST_ARCHIVE } from '../helpers/cli.js';
import { builtDigest, subscriberList } from '../helpers/sending.js';
import { type LocalSes, startLocalSes } from '../helpers/ses.js';

describe('digest send through the file outbox', () => {
  it('builds and sends the sample digest: one .eml per active sample subscriber (what npm start does)', async () => {
    const out = temporaryFolder();
    expect(
      (await runDigest(['build', '--source', 'examples/briefings', '--week', 'latest', '--out', out])).code,
    ).toBe(0);
    const run = await runDigest([
      'send',
      '--digest',
      out,
      '--subscribers',
      'examples/subscribers.csv',
      '--outbox',
      `file:${join(out, 'outbox')}`,
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/sent\s+5\n/);
    expect(run.stdout).toMatch(/suppressed\s+2 \(1 unsubscribed, 1 bounced, 0 complained, 0 forgotten\)/);
    const files = readdirSync(join(out, 'outbox'));
    expect(files).toHaveLength(5);
    expect(files.some((file) => file.startsWith('farah'))).toBe(false);
    const summary = JSON.parse(readFileSync(join(out, 'send-summary.json'), 'utf8'));
    expect(summary).toMatchObject({ issueId: '2026-W47', active: 5, sent: 5 });
    expect(JSON.stringify(summary)).not.toContain('ana.silva@example.org');
  });

  it('sends nothing on a re-run of a finished issue, and says so', async () => {
    const digest = builtDigest();
    const subscribers = subscriberList(12);
    const args = ['send', '--digest', digest, '--subscribers', subscribers];
    expect((await runDigest(args)).code).toBe(0);
    const again = await runDigest(args);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(
      'Nothing to send: all 12 active subscribers already have a delivery record for 2026-W47 at this destination.',
    );
    expect(readdirSync(join(digest, 'outbox'))).toHaveLength(12);
  });

  it('sends a test message to one address without touching the ledger', async () => {
    const digest = builtDigest();
    const outbox = join(temporaryFolder(), 'outbox');
    const run = await runDigest([
      'send',
      '--digest',
      digest,
      '--outbox',
      `file:${outbox}`,
      '--test',
      'Editor@Example.org',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Test message for 2026-W47 sent to e***@example.org');
    // Tests go to their own folder, so they never count as (or confirm) a real delivery.
    expect(readdirSync(outbox)).toEqual(['test']);
    const [file] = readdirSync(join(outbox, 'test'));
    expect(readFileSync(join(outbox, 'test', file ?? ''), 'utf8')).toContain('Subject: [Test] Week 47');
    expect(existsSync(join(digest, 'ledger'))).toBe(false);
  });

  it('makes a test message in a dry run and sends nothing', async () => {
    const digest = builtDigest();
    const outbox = join(temporaryFolder(), 'outbox');
    const run = await runDigest([
      'send',
      '--digest',
      digest,
      '--outbox',
      `file:${outbox}`,
      '--test',
      'ed@example.org',
      '--dry-run',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^Dry run: a test message for 2026-W47 to e\*\*\*@example\.org was made \([\d,]+ bytes\) and not sent\.$/m,
    );
    expect(existsSync(outbox)).toBe(false);
  });

  it('never lets a dry run overwrite the summary of the real send', async () => {
    const digest = builtDigest();
    const subscribers = subscriberList(4);
    expect((await runDigest(['send', '--digest', digest, '--subscribers', subscribers])).code).toBe(0);
    const real = readFileSync(join(digest, 'send-summary.json'), 'utf8');
    expect(
      (await runDigest(['send', '--digest', digest, '--subscribers', subscribers, '--dry-run'])).code,
    ).toBe(0);
    expect(readFileSync(join(digest, 'send-summary.json'), 'utf8')).toBe(real);
    expect(JSON.parse(readFileSync(join(digest, 'send-summary.dry-run.json'), 'utf8'))).toMatchObject({
      dryRun: true,
      alreadySent: 4,
    });
  });

  it('refuses a digest built before placeholders were made per render, with one line', async () => {
    const digest = builtDigest();
    const manifest = JSON.parse(readFileSync(join(digest, 'digest.json'), 'utf8'));
    delete manifest.placeholders;
    writeFileSync(join(digest, 'digest.json'), JSON.stringify(manifest));
    const run = await runDigest(['send', '--digest', digest, '--subscribers', subscriberList(1)]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `digest: digest 2026-W47 in ${digest} was built by an older version: build it again before sending\n`,
    );
  });

  it('sends again to a recipient whose earlier send failed, with --retry-failed', async () => {
    const digest = builtDigest();
    const subscribers = subscriberList(3);
    const outbox = join(digest, 'outbox');
    // What a run that met a permanent rejection leaves in the ledger (SES rejections cannot be
    // produced locally): reader1 failed, the others were sent.
    const ledger = await LevelLedger.open(join(digest, 'ledger'));
    const key = ledgerKeyOf('2026-W47', `file:${outbox}`);
    const now = new Date().toISOString();
    await ledger.claim(key, 'reader1@example.org', now);
    await ledger.markFailed(key, 'reader1@example.org', 'MessageRejected: mailbox full', now);
    await ledger.close();
    const plain = await runDigest(['send', '--digest', digest, '--subscribers', subscribers]);
    expect(plain.stdout).toMatch(/failed earlier\s+1/);
    expect(plain.stdout).toContain('run again with --retry-failed');
    const retried = await runDigest([
      'send',
      '--digest',
      digest,
      '--subscribers',
      subscribers,
      '--retry-failed',
    ]);
    expect(retried.code).toBe(0);
    expect(retried.stdout).toMatch(/sent\s+1 \(1 failed tried again\)/);
    expect(readdirSync(outbox)).toHaveLength(3);
  });

  it('counts without sending in a dry run', async () => {
    const digest = builtDigest();
    const run = await runDigest([
      'send',
      '--digest',
      digest,
      '--subscribers',
      subscriberList(7, 'bad-address,active\n'),
      '--dry-run',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/would send\s+7/);
    expect(run.stdout).toContain('line 9: not an email address (no @) — kept as it is and not mailed');
    expect(existsSync(join(digest, 'outbox'))).toBe(false);
  });

  it('refuses to send through SES without an unsubscribe secret', async () => {
    const run = await runDigest([
      'send',
      '--digest',
      builtDigest(),
      '--subscribers',
      subscriberList(1),
      '--outbox',
      'ses',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      'digest: sending through SES needs an unsubscribe secret: set DIGEST_UNSUBSCRIBE_SECRET (16+ characters)',
    );
  });

  it('explains a digest folder that was never built', async () => {
    const run = await runDigest(['send', '--digest', temporaryFolder(), '--subscribers', subscriberList(1)]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^digest: no built digest in .* \(digest\.json is missing\): run "digest build --out .*" first\n$/,
    );
  });
});

describe('digest subscribers', () => {
  it('imports with line-numbered errors, adds, unsubscribes, counts and never re-activates on re-import', async () => {
    const store = join(temporaryFolder(), 'list.csv');
    const importFile = join(temporaryFolder(), 'import.csv');
    writeFileSync(importFile, 'email,name\nana@example.org,Ana\nbroken@,X\nBen@Example.com,Ben\n');
    const imported = await runDigest(['subscribers', 'import', importFile, '--subscribers', store]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('added 2, updated 0, unchanged 0');
    expect(imported.stdout).toContain('line 3: "b***@" is not a valid email address');

    expect(
      (await runDigest(['subscribers', 'add', 'chen@example.net', '--name', 'Chen', '--subscribers', store]))
        .stdout,
    ).toBe('Added c***@example.net.\n');
    expect(
      (await runDigest(['subscribers', 'unsubscribe', 'ana@example.org', '--subscribers', store])).stdout,
    ).toBe('Unsubscribed a***@example.org.\n');
    const reimport = await runDigest(['subscribers', 'import', importFile, '--subscribers', store]);
    expect(reimport.stdout).toContain('stayed suppressed 1');
    const count = await runDigest(['subscribers', 'count', '--subscribers', store]);
    expect(count.stdout).toMatch(/3 subscribers in .*list\.csv:\n\s+active\s+2\n\s+unsubscribed\s+1\n/);
    const list = await runDigest(['subscribers', 'list', '--status', 'active', '--subscribers', store]);
    expect(
      list.stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(',')[0]),
    ).toEqual(['email', 'ben@example.com', 'chen@example.net']);
  });

  it('rejects an address that is not one', async () => {
    const run = await runDigest([
      'subscribers',
      'add',
      'ana@example.org\nBcc: x@example.com',
      '--subscribers',
      join(temporaryFolder(), 'list.csv'),
    ]);
    expect(run.code).toBe(2);
  });
});

describe('digest send killed mid-run', () => {
  let ses: LocalSes;
  beforeAll(async () => {
    ses = await startLocalSes();
  });
  afterAll(async () => {
    await ses?.close();
  });

  const sendProcess = (digest: string, subscribers: string): ChildProcess =>
    spawn(
      process.execPath,
      [
        join(ROOT, 'bin', 'digest.js'),
        'send',
        '--digest',
        digest,
        '--subscribers',
        subscribers,
        '--outbox',
        'ses',
        '--rate',
        '300',
        '--concurrency',
        '8',
      ],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '/tmp',
          DIGEST_ARCHIVE: TEST_ARCHIVE,
          AWS_ENDPOINT_URL_SES: ses.endpoint,
          AWS_ACCESS_KEY_ID: 'local',
          AWS_SECRET_ACCESS_KEY: 'local',
          AWS_REGION: 'us-east-1',
          DIGEST_UNSUBSCRIBE_SECRET: 'a-long-enough-test-secret',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );

  it('ends with zero duplicates and every recipient sent or reported unconfirmed after three SIGKILLs and a re-run', async () => {
    const recipients = 500;
    const digest = builtDigest();
    const subscribers = subscriberList(recipients);
    const delivered = async () => (await ses.emails()).length;
    const kills: number[] = [];
    for (const fraction of [
      0.1 + Math.random() * 0.15,
      0.35 + Math.random() * 0.15,
      0.6 + Math.random() * 0.15,
    ]) {
      const child = sendProcess(digest, subscribers);
      const exited = new Promise((resolve) => child.on('exit', resolve));
      while ((await delivered()) < recipients * fraction && child.exitCode === null)
        await new Promise((resolve) => setTimeout(resolve, 20));
      child.kill('SIGKILL');
      await exited;
      kills.push(await delivered());
    }
    expect(kills[2]).toBeLessThan(recipients);

    const final = await runDigest(
      ['send', '--digest', digest, '--subscribers', subscribers, '--outbox', 'ses', '--rate', '300'],
      {
        AWS_ENDPOINT_URL_SES: ses.endpoint,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_REGION: 'us-east-1',
        DIGEST_UNSUBSCRIBE_SECRET: 'a-long-enough-test-secret',
      },
    );
    expect(final.code).toBe(0);
    const summary = JSON.parse(readFileSync(join(digest, 'send-summary.json'), 'utf8'));
    expect(summary.sent + summary.alreadySent + summary.unconfirmed).toBe(recipients);
    expect(summary.failed).toBe(0);
    // Each kill can cut off at most the messages in flight (the concurrency).
    expect(summary.unconfirmed).toBeLessThanOrEqual(3 * 8);

    const perRecipient = new Map<string, number>();
    for (const email of await ses.emails())
      for (const to of email.destination.to) perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
    expect([...perRecipient.values()].filter((count) => count > 1)).toEqual([]);
    expect(perRecipient.size).toBeGreaterThanOrEqual(recipients - summary.unconfirmed);
  }, 120_000);
});

describe('digest send stopped with Ctrl-C', () => {
  it('says "Stopped early", exits 1, and a re-run sends to the rest and to no one twice', async () => {
    const digest = builtDigest();
    const subscribers = subscriberList(300);
    const outbox = join(digest, 'outbox');
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'bin', 'digest.js'),
        'send',
        '--digest',
        digest,
        '--subscribers',
        subscribers,
        '--rate',
        '100',
      ],
      {
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DIGEST_ARCHIVE: TEST_ARCHIVE },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    while ((existsSync(outbox) ? readdirSync(outbox).length : 0) < 30 && child.exitCode === null)
      await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill('SIGINT');
    expect(await exited).toBe(1);
    expect(stdout).toMatch(/^Stopped early: 2026-W47 through the file outbox/);
    expect(stdout).not.toMatch(/^Sent 2026-W47/m);
    const first = JSON.parse(readFileSync(join(digest, 'send-summary.json'), 'utf8'));
    expect(first.notAttempted).toBeGreaterThan(0);
    expect(first.unconfirmed).toBe(0);

    const rest = await runDigest(['send', '--digest', digest, '--subscribers', subscribers]);
    expect(rest.code).toBe(0);
    const second = JSON.parse(readFileSync(join(digest, 'send-summary.json'), 'utf8'));
    expect(second).toMatchObject({ alreadySent: first.sent, sent: 300 - first.sent, unconfirmed: 0 });
    expect(readdirSync(outbox)).toHaveLength(300);
  }, 60_000);
});
