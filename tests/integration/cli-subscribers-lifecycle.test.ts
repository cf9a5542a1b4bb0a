import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forgottenKey } from '../../src/core/delivery/subscriber.js';
import { temporaryFolder } from '../helpers/briefings.js';
import { runDigest } from '../helpers/cli.js';
import { type LocalDynamo, startLocalDynamo } from '../helpers/dynalite.js';
import { builtDigest } from '../helpers/sending.js';

const HEADER = 'email,status,name,created_at,updated_at';
const JAN = '2026-01-01T00:00:00.000Z';
const recently = () => new Date(Date.now() - 3_600_000).toISOString();
const longAgo = '2026-01-01T00:00:00.000Z';

/** A list with one address of each kind: active, unsubscribed, bounced, complained, pending, expired pending, forgotten. */
function mixedList(): string {
  const path = join(temporaryFolder(), 'subscribers.csv');
  writeFileSync(
    path,
    `${[
      `${HEADER},confirm_nonce,confirm_sent_at`,
      `ana@example.org,active,Ana,${JAN},${JAN},,`,
      `ben@example.com,unsubscribed,Ben,${JAN},${JAN},,`,
      `chen@example.net,bounced,,${JAN},${JAN},,`,
      `dara@example.ie,complained,,${JAN},${JAN},,`,
      `eve@example.org,pending,Eve,${recently()},${recently()},nonce-1,${recently()}`,
      `fay@example.org,pending,,${longAgo},${longAgo},nonce-2,${longAgo}`,
      `${forgottenKey('gus@example.org')},forgotten,,${JAN},${JAN},,`,
    ].join('\n')}\n`,
  );
  return path;
}

describe('digest subscribers count', () => {
  it('counts pending sign-ups, sets expired ones and forgotten addresses apart, and counts neither', async () => {
    const run = await runDigest(['subscribers', 'count', '--subscribers', mixedList()]);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^5 subscribers in .*:\n {2}active {7}1\n {2}unsubscribed 1\n {2}bounced {6}1\n {2}complained {3}1\n {2}pending {6}1\n/,
    );
    expect(run.stdout).toContain(
      '\n  forgotten    1 (erased; only a hash is kept, so they are never mailed; not counted)\n',
    );
    expect(run.stdout).toContain(
      '\n  expired sign-ups (not counted; purge-pending removes those of new addresses): 1\n',
    );
  });
});

describe('digest subscribers forget', () => {
  it('erases the address, keeps its hash, and says so with the address masked', async () => {
    const store = mixedList();

    const run = await runDigest(['subscribers', 'forget', 'Ana@Example.org', '--subscribers', store]);

    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `Forgot a***@example.org: its row in ${store} is erased, and only a hash of the address is kept so it is never mailed or added again.\n`,
    );
    const text = readFileSync(store, 'utf8');
    expect(text).not.toContain('ana@');
    expect(text).toContain(`\n${forgottenKey('ana@example.org')},forgotten,,`);
  });

  it('says when the address was not on the list, keeps its hash all the same, and exits 0', async () => {
    const store = mixedList();

    const run = await runDigest(['subscribers', 'forget', 'hal@example.org', '--subscribers', store]);
    const add = await runDigest(['subscribers', 'add', 'hal@example.org', '--subscribers', store]);

    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `h***@example.org was not on the list ${store}: a hash of the address is kept anyway, so it is never mailed or added.\n`,
    );
    expect(add.stdout).toContain('h***@example.org unsubscribed, bounced, complained, was forgotten');
    expect(readFileSync(store, 'utf8')).not.toContain('hal@');
  });

  it('erases nothing and starts no new list when the list is not there', async () => {
    const store = join(temporaryFolder(), 'typo.csv');

    const run = await runDigest(['subscribers', 'forget', 'ana@example.org', '--subscribers', store]);

    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`digest: subscribers file not found: ${store}: check --subscribers\n`);
    expect(() => statSync(store)).toThrow();
  });

  it('never prints the address in clear', async () => {
    const store = mixedList();
    const runs = [
      await runDigest(['subscribers', 'forget', 'ben@example.com', '--subscribers', store]),
      await runDigest(['subscribers', 'forget', 'ben@example.com', '--subscribers', store]),
      await runDigest(['subscribers', 'forget', 'not-an-address', '--subscribers', store]),
    ];

    expect(runs.map((run) => run.code)).toEqual([0, 0, 2]);
    expect(runs.map((run) => run.stdout + run.stderr).join('\n')).not.toMatch(/ben@|not-an-address/);
  });
});

describe('digest subscribers export', () => {
  it('writes every row as formula-safe CSV to stdout, forgotten entries included', async () => {
    const store = mixedList();
    await runDigest([
      'subscribers',
      'add',
      'ivy@example.org',
      '--name',
      '=HYPERLINK("x")',
      '--subscribers',
      store,
    ]);

    const run = await runDigest(['subscribers', 'export', '--subscribers', store]);

    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe(HEADER);
    expect(lines.map((line) => line.split(',')[0])).toEqual([
      'email',
      'ana@example.org',
      'ben@example.com',
      'chen@example.net',
      'dara@example.ie',
      'eve@example.org',
      'fay@example.org',
      forgottenKey('gus@example.org'),
      'ivy@example.org',
    ]);
    expect(lines[8]).toMatch(/^ivy@example\.org,active,"'=HYPERLINK\(""x""\)",/);
  });

  it('writes only one status with --status', async () => {
    const run = await runDigest([
      'subscribers',
      'export',
      '--status',
      'pending',
      '--subscribers',
      mixedList(),
    ]);

    expect(run.stdout.trim().split('\n')).toEqual([
      HEADER,
      expect.stringMatching(/^eve@example\.org,pending,Eve,/),
      expect.stringMatching(/^fay@example\.org,pending,,/),
    ]);
  });

  it('writes --out readable by its owner only, and says how many rows, addresses not shown', async () => {
    const folder = temporaryFolder();
    const out = join(folder, 'export.csv');
    writeFileSync(out, 'an older export\n', { mode: 0o644 });

    const run = await runDigest(['subscribers', 'export', '--out', out, '--subscribers', mixedList()]);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Exported 7 rows of .* to .*export\.csv \(readable by you only\)\.\n$/);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readFileSync(out, 'utf8').split('\n')).toHaveLength(9);
    expect(readdirSync(folder)).toEqual(['export.csv']);
  });

  it('says in one line what to do about an --out it cannot write', async () => {
    const store = mixedList();
    const folder = temporaryFolder();
    const missing = join(folder, 'no-such-folder', 'export.csv');

    const runs = [
      await runDigest(['subscribers', 'export', '--out', missing, '--subscribers', store]),
      await runDigest(['subscribers', 'export', '--out', folder, '--subscribers', store]),
    ];

    expect(runs.map((run) => [run.code, run.stderr])).toEqual([
      [1, `digest: --out ${missing}: its folder does not exist: create it, or give another path\n`],
      [2, `digest: --out ${folder} is a folder: give the path of a file to export to\n`],
    ]);
    expect(readdirSync(folder)).toEqual([]);
  });

  it('refuses to export over the list itself', async () => {
    const store = mixedList();
    const before = readFileSync(store, 'utf8');

    const run = await runDigest(['subscribers', 'export', '--out', store, '--subscribers', store]);

    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `digest: --out ${store} is the subscriber list itself: give another file to export to\n`,
    );
    expect(readFileSync(store, 'utf8')).toBe(before);
  });
});

describe('digest subscribers purge-pending', () => {
  it('deletes the expired sign-ups that may be purged, and says how many', async () => {
    const store = join(temporaryFolder(), 'subscribers.csv');
    const columns = `${HEADER},confirm_nonce,confirm_sent_at,pending_expires_at`;
    writeFileSync(
      store,
      `${[
        columns,
        `ana@example.org,active,Ana,${JAN},${JAN},,,`,
        `eve@example.org,pending,,${longAgo},${longAgo},nonce-1,${longAgo},2026-01-08T00:00:00.000Z`,
        `fay@example.org,pending,,${longAgo},${longAgo},nonce-2,${longAgo},`,
      ].join('\n')}\n`,
    );

    const run = await runDigest(['subscribers', 'purge-pending', '--subscribers', store]);

    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `Purged 1 expired sign-up from ${store}; an expired sign-up of an address that had unsubscribed stays (never mailed), so no import can bring the address back.\n`,
    );
    expect(
      readFileSync(store, 'utf8')
        .split('\n')
        .map((line) => line.split(',')[0]),
    ).toEqual(['email', 'ana@example.org', 'fay@example.org', '']);
  });
});

describe('digest send and sign-ups', () => {
  it('mails only active subscribers, and counts pending sign-ups and forgotten addresses apart', async () => {
    const digest = builtDigest();

    const run = await runDigest(['send', '--digest', digest, '--subscribers', mixedList()]);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\n {2}sent {17}1\n/);
    expect(run.stdout).toContain(
      '\n  suppressed           4 (1 unsubscribed, 1 bounced, 1 complained, 1 forgotten)\n',
    );
    expect(run.stdout).toContain('\n  pending sign-ups     2 (not confirmed yet, so not mailed)');
    expect(readdirSync(join(digest, 'outbox'))).toEqual([expect.stringMatching(/^ana/)]);
  });
});

describe('digest subscribers on DynamoDB', () => {
  let dynamo: LocalDynamo;
  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    await dynamo.createSubscribersTable('subscribers');
  });
  afterAll(async () => {
    await dynamo?.close();
  });
  const digest = (...args: string[]) =>
    runDigest(
      [
        'subscribers',
        ...args,
        '--subscribers',
        'dynamodb://subscribers',
        '--dynamodb-endpoint',
        dynamo.endpoint,
      ],
      { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_REGION: 'us-east-1' },
    );

  it('forgets an address, keeps it off the list, and counts and exports only its hash', async () => {
    await digest('add', 'ana@example.org', '--name', 'Ana');
    await digest('add', 'ben@example.com');

    const forgot = await digest('forget', 'ana@example.org');
    const added = await digest('add', 'ana@example.org');
    const count = await digest('count');
    const exported = await digest('export');

    expect(forgot.stdout).toBe(
      'Forgot a***@example.org: its row in dynamodb://subscribers is erased, and only a hash of the address is kept so it is never mailed or added again.\n',
    );
    expect(added.stdout).toContain('a***@example.org unsubscribed, bounced, complained, was forgotten');
    expect(count.stdout).toMatch(/^1 subscriber in dynamodb:\/\/subscribers:\n {2}active {7}1\n/);
    expect(count.stdout).toContain('\n  forgotten    1 (');
    expect(exported.stdout).not.toContain('ana@');
    expect(exported.stdout).toContain(`\n${forgottenKey('ana@example.org')},forgotten,,`);
  });
});
