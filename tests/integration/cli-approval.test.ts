import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { IssueRecord } from '../../src/core/delivery/approval.js';
import { type AwsStandIns, startAwsStandIns } from '../helpers/aws-stand-ins.js';
import { temporaryFolder } from '../helpers/briefings.js';
import { runDigest } from '../helpers/cli.js';
import { type LocalDynamo, startLocalDynamo } from '../helpers/dynalite.js';
import { draftRecord } from '../helpers/issues.js';
import { builtDigest, subscriberList } from '../helpers/sending.js';

/** A build as `digest build --approval required` leaves it (a small one: the tests stay light). */
function draftDigest(): string {
  const folder = builtDigest();
  const manifest = JSON.parse(readFileSync(join(folder, 'digest.json'), 'utf8'));
  writeFileSync(join(folder, 'digest.json'), JSON.stringify({ ...manifest, approval: 'required' }));
  return folder;
}

describe('approval of a local build', () => {
  it('makes digest build write a draft when approval is required, and say so', async () => {
    const out = temporaryFolder();
    const run = await runDigest(
      ['build', '--source', 'examples/briefings', '--week', 'latest', '--out', out],
      {
        DIGEST_APPROVAL: 'required',
      },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `Draft: it needs approval before it is sent: read it, then run "digest approve --digest ${out}".`,
    );
    expect(JSON.parse(readFileSync(join(out, 'digest.json'), 'utf8'))).toMatchObject({
      approval: 'required',
    });
  });

  it('refuses to send a draft in one line, sends it once approved, and refuses it again once held', async () => {
    const digest = draftDigest();
    const subscribers = subscriberList(3);
    const send = () => runDigest(['send', '--digest', digest, '--subscribers', subscribers]);

    const refused = await send();
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(
      `digest: ${digest}/ is a draft waiting for approval: run "digest approve --digest ${digest}" first\n`,
    );
    expect(readdirSync(digest)).not.toContain('outbox');

    const approved = await runDigest(['approve', '--digest', digest]);
    expect(approved.code).toBe(0);
    expect(approved.stdout).toBe(
      `Approved 2026-W47 in ${digest}/: "digest send --digest ${digest}" sends it.\n`,
    );
    expect(JSON.parse(readFileSync(join(digest, 'approval.json'), 'utf8'))).toMatchObject({
      issueId: '2026-W47',
      status: 'approved',
      content: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
    const sent = await send();
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(/sent\s+3\n/);

    const held = await runDigest(['hold', '2026-W47', '--digest', digest]);
    expect(held.code).toBe(0);
    expect(held.stdout).toContain('Held 2026-W47');
    expect(held.stdout).toContain('(its approval is withdrawn)');
    const again = await send();
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      `digest: ${digest}/ is held: run "digest approve --digest ${digest}" to release it\n`,
    );

    const released = await runDigest(['approve', '--digest', digest]);
    expect(released.stdout).toContain('which was held');
    expect((await send()).stdout).toContain(
      'Nothing to send: all 3 active subscribers already have a delivery record',
    );
  });

  it('still makes a test message and a dry run of a draft', async () => {
    const digest = draftDigest();
    const dry = await runDigest([
      'send',
      '--digest',
      digest,
      '--subscribers',
      subscriberList(2),
      '--dry-run',
    ]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/would send\s+2/);
    // The dry run says what the real send would answer.
    expect(dry.stdout).toContain(
      `  a real send refuses it: ${digest}/ is a draft waiting for approval: run "digest approve --digest ${digest}" first`,
    );
    const test = await runDigest(['send', '--digest', digest, '--test', 'editor@example.org']);
    expect(test.code).toBe(0);
    expect(test.stdout).toContain('Test message for 2026-W47 sent to e***@example.org');
  });

  it('replaces a damaged approval.json on approve, which digest send refused', async () => {
    const digest = draftDigest();
    writeFileSync(join(digest, 'approval.json'), '{');
    const send = await runDigest(['send', '--digest', digest, '--subscribers', subscriberList(1)]);
    expect(send.code).toBe(1);
    expect(send.stderr).toContain(`approval.json is damaged: run "digest approve --digest ${digest}"`);
    const approve = await runDigest(['approve', '--digest', digest]);
    expect(approve.code).toBe(0);
    expect(JSON.parse(readFileSync(join(digest, 'approval.json'), 'utf8')).status).toBe('approved');
  });

  it('does not let an approval carry over to the same folder built again', async () => {
    const digest = draftDigest();
    expect((await runDigest(['approve', '--digest', digest])).code).toBe(0);
    writeFileSync(join(digest, 'message.html'), '<html><body><p>Rebuilt with other news.</p></body></html>');
    const run = await runDigest(['send', '--digest', digest, '--subscribers', subscriberList(1)]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `digest: ${digest}/ was built again after its approval: run "digest approve --digest ${digest}" to approve this build\n`,
    );
  });

  it('says a build made without approval needs none, and holds it all the same when asked', async () => {
    const digest = builtDigest();
    const approve = await runDigest(['approve', '--digest', digest]);
    expect(approve.code).toBe(0);
    expect(approve.stdout).toContain('needs no approval');
    expect((await runDigest(['hold', '--digest', digest])).code).toBe(0);
    const run = await runDigest(['send', '--digest', digest, '--subscribers', subscriberList(1)]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('is held');
  });

  it.each([
    [['approve', '2026-W48', '--digest'], 2, 'holds 2026-W47, not 2026-W48'],
    [['approve', '../etc', '--digest'], 2, '"../etc" is not an issue id'],
    [['approve', '--digest'], 1, 'no built digest in'],
  ])('answers digest %j in one line', async (args, code, message) => {
    const folder = args.at(-1) === '--digest' && args.length === 2 ? temporaryFolder() : draftDigest();
    const run = await runDigest([...args, folder]);
    expect(run.code).toBe(code);
    expect(run.stderr).toContain(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('approval of a deployed issue', () => {
  let dynamo: LocalDynamo;
  let aws: AwsStandIns;
  let table = '';
  let tables = 0;
  const env = () => ({
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_LAMBDA: aws.endpoint,
    AWS_ENDPOINT_URL_CLOUDFORMATION: aws.endpoint,
  });
  const put = (record: IssueRecord) => dynamo.client.send(new PutCommand({ TableName: table, Item: record }));
  const issue = async () =>
    (await dynamo.client.send(new GetCommand({ TableName: table, Key: { issueId: '2026-W47' } }))).Item;
  const onTable = ['--issues-table', () => table, '--function', 'WeeklyDigest-build-digest'] as const;
  const digest = (...args: (string | (() => string))[]) =>
    runDigest(
      args.map((arg) => (typeof arg === 'function' ? arg() : arg)),
      env(),
    );

  beforeAll(async () => {
    [dynamo, aws] = await Promise.all([startLocalDynamo(), startAwsStandIns()]);
  });
  afterAll(async () => {
    await Promise.all([dynamo?.close(), aws?.close()]);
  });
  beforeEach(async () => {
    table = `issues-${++tables}`;
    await dynamo.createIssuesTable(table);
    aws.invocations.length = 0;
  });

  it('approves a draft and starts its send: one asynchronous invoke of the build function', async () => {
    await put(draftRecord());
    const run = await digest('approve', '2026-W47', ...onTable);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      'Approved 2026-W47: its send has started (WeeklyDigest-build-digest queues every active subscriber).\n',
    );
    expect(await issue()).toMatchObject({ status: 'approved', approvedBy: 'command line' });
    expect(aws.invocations).toEqual([
      {
        functionName: 'WeeklyDigest-build-digest',
        invocationType: 'Event',
        payload: { approve: '2026-W47' },
      },
    ]);

    const again = await digest('approve', '2026-W47', ...onTable);
    expect(again.stdout).toContain('2026-W47 was approved already');
    expect(again.stdout).toContain('its send was started again, which queues nobody twice');
  });

  it('finds the table and the function from the stack’s outputs', async () => {
    aws.stacks.set('WeeklyDigest', {
      IssuesTable: table,
      BuildFunctionName: 'WeeklyDigest-build-digest',
      BucketName: 'content',
    });
    await put(draftRecord());
    const run = await digest('approve', '2026-W47', '--stack', 'WeeklyDigest');
    expect(run.code).toBe(0);
    expect(await issue()).toMatchObject({ status: 'approved' });
    expect(aws.invocations).toHaveLength(1);

    const missing = await digest('approve', '2026-W47', '--stack', 'OtherStack');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      'digest: CloudFormation: there is no stack OtherStack in us-east-1: check --stack and the region (AWS_REGION)\n',
    );
    aws.stacks.set('OldStack', { BucketName: 'content' });
    const old = await digest('hold', '2026-W47', '--stack', 'OldStack');
    expect(old.stderr).toBe(
      'digest: stack OldStack has no IssuesTable output: deploy this version of the stack (cdk deploy) first\n',
    );
  });

  it('holds a draft so the window never sends it; approving it then says it was held', async () => {
    await put(draftRecord({ approval: 'window', releaseAt: '2026-11-23T12:00:00.000Z' }));
    const held = await digest('hold', '2026-W47', '--issues-table', () => table);
    expect(held.code).toBe(0);
    expect(held.stdout).toBe(
      `Held 2026-W47: it is not sent, by its window or otherwise, until someone approves it (digest approve 2026-W47 --issues-table ${table}).\n`,
    );
    expect(await issue()).toMatchObject({ status: 'held', heldBy: 'command line' });
    expect((await digest('hold', '2026-W47', '--issues-table', () => table)).stdout).toContain(
      'was held already',
    );
    expect(aws.invocations).toEqual([]);

    const approved = await digest('approve', '2026-W47', ...onTable);
    expect(approved.stdout).toContain('Approved 2026-W47, which was held: its send has started');
    expect(aws.invocations).toHaveLength(1);
  });

  it('changes nothing on an issue that was sent, and cannot hold it any more', async () => {
    await put(draftRecord({ status: 'enqueued', sendStartedAt: '2026-11-23T09:00:00.000Z' }));
    const approve = await digest('approve', '2026-W47', ...onTable);
    expect(approve.code).toBe(0);
    expect(approve.stdout).toBe('2026-W47 was sent already (queued 2026-11-23 09:00 UTC): nothing to do.\n');
    const hold = await digest('hold', '2026-W47', '--issues-table', () => table);
    expect(hold.code).toBe(1);
    expect(hold.stderr).toBe(
      'digest: 2026-W47 is sent already (queued 2026-11-23 09:00 UTC): it can no longer be held\n',
    );
    expect(aws.invocations).toEqual([]);
  });

  it.each([
    [['approve', '2026-W40', ...onTable], 1, 'has no issue 2026-W40: check the id'],
    [['approve', '--stack', 'WeeklyDigest'], 2, 'name the issue: digest approve ISSUE --stack NAME'],
    [['approve', '2026-W47', '--issues-table', () => 'issues-x'], 2, '--issues-table needs --function NAME'],
    [['hold', '2026-W47', '--stack', 'bad name'], 2, '--stack must be a CloudFormation stack name'],
  ])('answers %j in one line', async (args, code, message) => {
    const run = await digest(...(args as (string | (() => string))[]));
    expect(run.code).toBe(code);
    expect(run.stderr).toContain(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});
