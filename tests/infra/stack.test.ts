import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { DigestStack } from '../../infra/digest-stack.js';
import { suppressReviewedFindings } from '../../infra/nag-suppressions.js';
import { buildFunctionName } from '../../infra/parts/digest-function.js';
import { PENDING_TTL_ATTRIBUTE } from '../../infra/parts/storage.js';
import { readDeploySettings } from '../../infra/settings.js';
import { PENDING_EXPIRES_AT } from '../../src/adapters/subscribers-dynamodb-items.js';

// Assertions run on the synthesized template. Bundling is skipped here (an empty stand-in asset;
// the real bundles are built and run in tests/e2e) and so is CDK's CloudFormation validation,
// which takes seconds per template; `cdk synth` keeps both on.
process.env.CDK_VALIDATION = 'false';

const context = {
  senderEmail: 'digest@news.example.com',
  senderDomain: 'news.example.com',
  schedule: 'cron(0 7 ? * MON *)',
  timeZone: 'Europe/Berlin',
  postalAddress: 'Example Media, 1 Quay Street, Harbour Town',
  sendRatePerSecond: 14,
};

/** The stack as `cdk synth` builds it, with these settings on top of the test context. */
function build(settings: Record<string, unknown> = {}) {
  const app = new App({
    context: {
      ...context,
      ...settings,
      'aws:cdk:bundling-stacks': [],
      '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
    },
  });
  const built = new DigestStack(app, 'Test', {
    settings: readDeploySettings((key) => app.node.tryGetContext(key)),
  });
  return { app, stack: built };
}

let template: Template;
let stack: DigestStack;
beforeAll(() => {
  stack = build().stack;
  template = Template.fromStack(stack);
});

/** Every IAM statement attached to a function's role, flattened. */
function statementsOf(fn: keyof DigestStack['functions']) {
  const roleId = stack.getLogicalId(stack.functions[fn].role?.node.defaultChild as never);
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } });
  return Object.values(policies).flatMap(
    (policy) =>
      policy.Properties.PolicyDocument.Statement as {
        Action: string | string[];
        Resource: unknown;
        Condition?: unknown;
      }[],
  );
}
const actionsOf = (fn: keyof DigestStack['functions']) =>
  statementsOf(fn).flatMap((statement) => [statement.Action].flat());

describe('the weekly schedule', () => {
  it('runs on the configured cron in the configured time zone, retries and has a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 7 ? * MON *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      Target: Match.objectLike({
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21600 },
        DeadLetterConfig: { Arn: Match.anyValue() },
        Input: JSON.stringify({ source: 'schedule' }),
      }),
    });
  });
});

describe('functions', () => {
  it('are Node.js 22 on arm64 with JSON logs kept three months', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    expect(Object.keys(functions)).toHaveLength(4);
    for (const fn of Object.values(functions)) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        LoggingConfig: { LogFormat: 'JSON' },
      });
    }
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 90 }, 4);
  });

  it('send batches from SQS with partial batch failures and a concurrency sized to the SES rate', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 3 },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SEND_RATE: String(14 / 3) }) },
    });
  });

  it('serve unsubscribe behind a public Function URL', () => {
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
  });

  it('reserve (and cap) the unsubscribe function’s concurrency, and only its, so a flood cannot starve sending', () => {
    const reserved = Object.entries(template.findResources('AWS::Lambda::Function')).map(([id, fn]) => [
      id,
      fn.Properties.ReservedConcurrentExecutions,
    ]);
    expect(reserved.filter(([, count]) => count !== undefined)).toEqual([
      [stack.getLogicalId(stack.functions.unsubscribe.node.defaultChild as never), 10],
    ]);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Throttles',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^Unsubscribe') } }],
    });
  });

  it.each([
    ['25', 25],
    [40, 40],
  ])('take the unsubscribe reservation from the settings (%j)', (value, expected) => {
    const custom = Template.fromStack(build({ unsubscribeReservedConcurrency: value }).stack);
    custom.hasResourceProperties('AWS::Lambda::Function', {
      FunctionUrlConfig: Match.absent(),
      ReservedConcurrentExecutions: expected,
    });
  });

  it('give the site its own address for links when siteUrl is set, and the request’s otherwise', () => {
    const siteEnvironment = (props: Record<string, unknown>) => {
      const built = build(props);
      const id = built.stack.getLogicalId(built.stack.functions.unsubscribe.node.defaultChild as never);
      return Template.fromStack(built.stack).findResources('AWS::Lambda::Function')[id]?.Properties
        .Environment.Variables;
    };
    expect(siteEnvironment({ siteUrl: 'https://news.example.com' })).toMatchObject({
      SITE_URL: 'https://news.example.com',
    });
    expect(siteEnvironment({})).not.toHaveProperty('SITE_URL');
    // The links in every issue follow it too.
    const built = build({ siteUrl: 'https://news.example.com' });
    const sendId = built.stack.getLogicalId(built.stack.functions.send.node.defaultChild as never);
    expect(
      Template.fromStack(built.stack).findResources('AWS::Lambda::Function')[sendId]?.Properties.Environment
        .Variables,
    ).toMatchObject({
      UNSUBSCRIBE_URL: 'https://news.example.com/',
      ARCHIVE_URL: 'https://news.example.com/view/{issueId}',
    });
  });

  it('reserve nothing, and watch no throttles, when the setting is none', () => {
    const custom = Template.fromStack(build({ unsubscribeReservedConcurrency: 'none' }).stack);
    for (const fn of Object.values(custom.findResources('AWS::Lambda::Function')))
      expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
    custom.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'Throttles' }, 0);
  });
});

describe('storage', () => {
  it('keeps the bucket private, encrypted, versioned, TLS-only, with old archives expiring', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: Match.objectLike({
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      }),
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Prefix: 'archive/', NoncurrentVersionExpiration: { NoncurrentDays: 30 } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('has on-demand tables with point-in-time recovery, and TTLs on the ledger and on unconfirmed sign-ups', () => {
    const tables = template.findResources('AWS::DynamoDB::Table');
    const rateLimitsId = stack.getLogicalId(stack.rateLimits.node.defaultChild as never);
    expect(Object.keys(tables)).toHaveLength(4);
    for (const [id, table] of Object.entries(tables)) {
      expect(table.Properties).toMatchObject({ BillingMode: 'PAY_PER_REQUEST' });
      if (id !== rateLimitsId)
        expect(table.Properties).toMatchObject({
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        });
    }
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'issueId', KeyType: 'HASH' },
        { AttributeName: 'recipient', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'email', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'pendingExpiresAt', Enabled: true },
    });
  });

  it('names the TTL attribute the subscriber store writes on unconfirmed sign-ups', () => {
    expect(PENDING_TTL_ATTRIBUTE).toBe(PENDING_EXPIRES_AT);
  });

  it('keeps sign-up rate limits in counters that expire, and deletes them with the stack', () => {
    const rateLimitsId = stack.getLogicalId(stack.rateLimits.node.defaultChild as never);
    expect(template.findResources('AWS::DynamoDB::Table')[rateLimitsId]).toMatchObject({
      DeletionPolicy: 'Delete',
      Properties: {
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      },
    });
  });
});

describe('SES', () => {
  it('verifies the sender domain with Easy DKIM and sends bounces and complaints to SNS', () => {
    template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'news.example.com',
      DkimSigningAttributes: Match.absent(),
      ConfigurationSetAttributes: { ConfigurationSetName: Match.anyValue() },
    });
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({
        Enabled: true,
        MatchingEventTypes: ['bounce', 'complaint'],
        SnsDestination: Match.anyValue(),
      }),
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      Endpoint: {
        'Fn::GetAtt': [stack.getLogicalId(stack.functions.feedback.node.defaultChild as never), 'Arn'],
      },
    });
  });
});

describe('alarms', () => {
  it('watch both dead-letter queues, delivery failures and every function’s errors', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
      (alarm) => alarm.Properties,
    );
    expect(alarms.filter((alarm) => alarm.MetricName === 'ApproximateNumberOfMessagesVisible')).toHaveLength(
      2,
    );
    expect(
      alarms.filter((alarm) => alarm.MetricName === 'DeliveryFailed' && alarm.Namespace === 'WeeklyDigest'),
    ).toHaveLength(1);
    expect(alarms.filter((alarm) => alarm.MetricName === 'Errors')).toHaveLength(4);
    for (const alarm of alarms) expect(alarm.AlarmActions).toHaveLength(1);
  });
});

describe('least privilege', () => {
  it('lets the send function read the archive but never write to the bucket', () => {
    const actions = actionsOf('send');
    expect(actions).toContain('s3:GetObject');
    expect(actions.filter((action) => /^s3:(Put|Delete)/.test(action))).toEqual([]);
    const s3Resources = statementsOf('send')
      .filter((statement) => [statement.Action].flat().some((action) => action.startsWith('s3:')))
      .map((statement) => JSON.stringify(statement.Resource));
    for (const resource of s3Resources) expect(resource).toContain('/archive/*');
  });

  it('never lets the public site read briefings or scan the list, and limits it to single addresses', () => {
    const resources = JSON.stringify(statementsOf('unsubscribe').map((statement) => statement.Resource));
    expect(resources).not.toContain('briefings');
    expect(actionsOf('unsubscribe')).not.toContain('s3:ListBucket');
    expect(
      actionsOf('unsubscribe')
        .filter((action) => action.startsWith('dynamodb:'))
        .sort(),
    ).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:UpdateItem',
    ]);
    const rateLimitsId = stack.getLogicalId(stack.rateLimits.node.defaultChild as never);
    const onRateLimits = statementsOf('unsubscribe').filter((statement) =>
      JSON.stringify(statement.Resource).includes(rateLimitsId),
    );
    expect(onRateLimits.flatMap((statement) => [statement.Action].flat())).toEqual(['dynamodb:UpdateItem']);
  });

  it('gives the build function the briefings to read and the archive to write, and no SES', () => {
    const statements = statementsOf('build');
    expect(JSON.stringify(statements)).toContain('briefings/*');
    expect(actionsOf('build').some((action) => action.startsWith('ses:'))).toBe(false);
  });

  it('lets the build function read only the archive index back, not the issues it wrote', () => {
    const reads = statementsOf('build')
      .filter((statement) => [statement.Action].flat().includes('s3:GetObject'))
      .map((statement) => JSON.stringify(statement.Resource));
    expect(reads.filter((resource) => resource.includes('archive/'))).toEqual([
      expect.stringContaining('/archive/index.json"'),
    ]);
  });

  it('lets only the send function and the public site (its confirmations) send email, and only as the sender identity', () => {
    for (const fn of ['build', 'feedback'] as const)
      expect(actionsOf(fn).some((action) => action.startsWith('ses:'))).toBe(false);
    const identityId = Object.keys(template.findResources('AWS::SES::EmailIdentity'))[0];
    for (const fn of ['send', 'unsubscribe'] as const) {
      const sesStatements = statementsOf(fn).filter((statement) =>
        [statement.Action].flat().some((action) => action.startsWith('ses:')),
      );
      expect(sesStatements.flatMap((statement) => [statement.Action].flat())).toEqual(['ses:SendRawEmail']);
      expect(JSON.stringify(sesStatements[0]?.Resource)).toContain(`":identity/",{"Ref":"${identityId}"}`);
      expect(JSON.stringify(sesStatements[0]?.Resource)).toContain(':configuration-set/');
    }
  });

  it('lets the schedule invoke only the build function, on behalf of this account’s schedules', () => {
    const roleId = stack.getLogicalId(stack.scheduleRole.node.defaultChild as never);
    expect(
      template.findResources('AWS::IAM::Role')[roleId]?.Properties.AssumeRolePolicyDocument,
    ).toMatchObject({
      Statement: [
        {
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: {
            StringEquals: {
              'aws:SourceAccount': { Ref: 'AWS::AccountId' },
              'aws:SourceArn': expect.anything(),
            },
          },
        },
      ],
    });
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } });
    const statements = Object.values(policies).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as { Action: string; Resource: unknown }[],
    );
    const buildId = stack.getLogicalId(stack.functions.build.node.defaultChild as never);
    expect(statements.map((statement) => statement.Action).sort()).toEqual([
      'lambda:InvokeFunction',
      'sqs:SendMessage',
    ]);
    const invoke = statements.find((statement) => statement.Action === 'lambda:InvokeFunction');
    expect(JSON.stringify(invoke?.Resource)).toContain(`"${buildId}","Arn"`);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Target: Match.objectLike({ RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] } }),
    });
  });

  it('uses no AWS managed policy on function roles', () => {
    for (const fn of Object.values(stack.functions)) {
      const role =
        template.findResources('AWS::IAM::Role')[stack.getLogicalId(fn.role?.node.defaultChild as never)];
      expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });
});

describe('deployment settings', () => {
  it.each([
    [{}, /senderEmail is required/],
    [
      { ...context, senderEmail: 'digest@other.example.org' },
      /must be an address at senderDomain news\.example\.com/,
    ],
    [{ ...context, timeZone: 'Mars/Base' }, /timeZone must be an IANA time zone/],
    [{ ...context, siteUrl: 'http://news.example.com' }, /siteUrl must be an https:\/\/ address/],
    [{ ...context, schedule: '0 8 * * 1' }, /schedule must be a six-field EventBridge cron expression/],
    ...['0', '901', '2.5', 'lots', '-3'].map((value): [object, RegExp] => [
      { ...context, unsubscribeReservedConcurrency: value },
      /unsubscribeReservedConcurrency must be a whole number from 1 to 900, or none/,
    ]),
  ])('explain a missing or wrong value: %j', (values, message) => {
    expect(() => readDeploySettings((key) => (values as Record<string, unknown>)[key])).toThrow(message);
  });

  it('make CloudFormation refuse to deploy while the sender is the shipped placeholder, saying why', () => {
    const rules = template.toJSON().Rules as Record<
      string,
      { Assertions: { Assert: unknown; AssertDescription: string }[] }
    >;
    expect(rules.SenderIsConfigured?.Assertions).toEqual([
      {
        Assert: { 'Fn::Equals': ['placeholder sender', 'a domain you control'] },
        AssertDescription: expect.stringMatching(
          /^senderDomain news\.example\.com is a placeholder: this stack cannot deliver mail until senderDomain and senderEmail name a domain you control/,
        ),
      },
    ]);
  });

  it('add no such rule once the sender is a real domain', () => {
    const real = Template.fromStack(
      build({ senderDomain: 'news.metals-weekly.eu', senderEmail: 'digest@news.metals-weekly.eu' }).stack,
    );
    expect(Object.keys(real.toJSON().Rules ?? {})).not.toContain('SenderIsConfigured');
  });
});

describe('approval', () => {
  const EDITORS = { editorEmails: ['editor@news.example.com', 'desk@news.example.com'] };
  /** A stack with these settings, its template, and helpers to read one function. */
  function approvalStack(settings: Record<string, unknown>) {
    const built = build(settings);
    const synthesized = Template.fromStack(built.stack);
    const idOf = (fn: keyof DigestStack['functions']) =>
      built.stack.getLogicalId(built.stack.functions[fn].node.defaultChild as never);
    const environment = (fn: keyof DigestStack['functions']) =>
      synthesized.findResources('AWS::Lambda::Function')[idOf(fn)]?.Properties.Environment
        .Variables as Record<string, unknown>;
    const statements = (fn: keyof DigestStack['functions']) => {
      const roleId = built.stack.getLogicalId(built.stack.functions[fn].role?.node.defaultChild as never);
      return Object.values(
        synthesized.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }),
      ).flatMap(
        (policy) =>
          policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
      );
    };
    const issuesId = built.stack.getLogicalId(
      built.stack.node
        .findAll()
        .find((construct) => construct.node.path.endsWith('/Issues/Resource')) as never,
    );
    const onIssues = (fn: keyof DigestStack['functions']) =>
      statements(fn)
        .filter((statement) => JSON.stringify(statement.Resource).includes(issuesId))
        .flatMap((statement) => [statement.Action].flat())
        .sort();
    return { ...built, template: synthesized, environment, statements, onIssues, idOf };
  }

  it('names the build function after the stack, so the site can be allowed to call it', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'Test-build-digest' });
  });

  it('changes nothing by default: no drafts, no release schedule, and the site cannot start a send', () => {
    const plain = approvalStack({});
    plain.template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    expect(plain.environment('build')).not.toHaveProperty('APPROVAL');
    expect(plain.environment('unsubscribe')).not.toHaveProperty('ISSUES_TABLE');
    expect(plain.environment('unsubscribe')).not.toHaveProperty('BUILD_FUNCTION_NAME');
    expect(plain.statements('unsubscribe').flatMap((statement) => [statement.Action].flat())).not.toContain(
      'lambda:InvokeFunction',
    );
    expect(plain.onIssues('unsubscribe')).toEqual([]);
  });

  it('with approval required, lets the site record approvals and invoke exactly the build function', () => {
    const required = approvalStack({ approval: 'required', ...EDITORS });
    expect(required.environment('build')).toMatchObject({
      APPROVAL: 'required',
      APPROVAL_WINDOW_HOURS: '0',
      EDITOR_EMAILS: 'editor@news.example.com,desk@news.example.com',
    });
    expect(required.environment('unsubscribe')).toMatchObject({
      ISSUES_TABLE: { Ref: expect.stringMatching(/^Issues/) },
      BUILD_FUNCTION_NAME: 'Test-build-digest',
    });
    // Draft copies carry links to the site's approve page.
    expect(required.environment('send')).toMatchObject({ SITE_URL: expect.anything() });
    expect(required.onIssues('unsubscribe')).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    const invoke = required
      .statements('unsubscribe')
      .filter((statement) => [statement.Action].flat().includes('lambda:InvokeFunction'));
    expect(invoke).toHaveLength(1);
    expect(invoke[0]?.Action).toBe('lambda:InvokeFunction');
    expect(JSON.stringify(invoke[0]?.Resource)).toMatch(/:function:Test-build-digest"\]\]\}$/);
    // The build may change its issues' records, and needs no list of them without a window.
    expect(required.onIssues('build')).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
    required.template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    // Draft copies go out through the send function: the build still sends no email itself.
    expect(required.statements('build').flatMap((statement) => [statement.Action].flat())).not.toContain(
      'ses:SendRawEmail',
    );
  });

  it('with a window, adds a release schedule every 15 minutes through the same role and dead-letter queue', () => {
    const windowed = approvalStack({ approvalWindowHours: '4', editorEmails: 'editor@news.example.com' });
    windowed.template.resourceCountIs('AWS::Scheduler::Schedule', 2);
    const roleId = windowed.stack.getLogicalId(windowed.stack.scheduleRole.node.defaultChild as never);
    windowed.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(15 minutes)',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [windowed.idOf('build'), 'Arn'] },
        RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
        Input: JSON.stringify({ release: true }),
        DeadLetterConfig: { Arn: Match.anyValue() },
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 900 },
      }),
    });
    expect(windowed.environment('build')).toMatchObject({
      APPROVAL: 'auto',
      APPROVAL_WINDOW_HOURS: '4',
      EDITOR_EMAILS: 'editor@news.example.com',
    });
    expect(windowed.onIssues('build')).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Scan',
      'dynamodb:UpdateItem',
    ]);
    expect(windowed.environment('unsubscribe')).toMatchObject({ BUILD_FUNCTION_NAME: 'Test-build-digest' });
  });

  it.each([
    [{ approval: 'sometimes' }, /approval must be required or auto/],
    ...['-1', '2.5', '169', 'soon'].map((value): [object, RegExp] => [
      { approvalWindowHours: value, ...EDITORS },
      /approvalWindowHours must be a whole number of hours from 0 to 168/,
    ]),
    [
      { approval: 'required', approvalWindowHours: 4, ...EDITORS },
      /approvalWindowHours applies only with approval auto/,
    ],
    [
      { approval: 'required' },
      /editorEmails is required when approval is required or approvalWindowHours is above 0/,
    ],
    [{ approvalWindowHours: 2 }, /editorEmails is required when approval is required/],
    [
      { approval: 'required', editorEmails: 'editor@news.example.com,not an address' },
      /"not an address" is not one/,
    ],
    [{ approval: 'required', editorEmails: 42 }, /editorEmails must be a list of email addresses/],
  ])('explains a wrong approval setting in one line: %j', (values, message) => {
    const read = () => readDeploySettings((key) => ({ ...context, ...values })[key as keyof typeof context]);
    expect(read).toThrow(message);
    expect(() => read()).toThrow(/^[^\n]+$/);
  });

  it('reads editorEmails from a list or from a comma-separated value', () => {
    const read = (editorEmails: unknown) =>
      readDeploySettings(
        (key) => ({ ...context, approval: 'required', editorEmails })[key as keyof typeof context],
      ).editorEmails;
    expect(read(['a@news.example.com', 'b@news.example.com'])).toEqual([
      'a@news.example.com',
      'b@news.example.com',
    ]);
    expect(read(' a@news.example.com , b@news.example.com ')).toEqual([
      'a@news.example.com',
      'b@news.example.com',
    ]);
  });

  it('cuts a long stack name to fit a function name, keeping names apart', () => {
    const long = 'A'.repeat(80);
    expect(buildFunctionName(long)).toHaveLength(64);
    expect(buildFunctionName(long)).not.toBe(buildFunctionName(`${long}B`));
    expect(buildFunctionName('WeeklyDigest')).toBe('WeeklyDigest-build-digest');
  });
});

describe('cdk-nag', () => {
  /** Every AwsSolutions finding of a stack, as `rule id → construct paths`. */
  function findings(app: App): Map<string, string[]> {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    return new Map(
      report.violations.map((violation) => [
        violation.ruleName,
        violation.violatingResources.map(
          (resource) => (resource as { constructPath?: string }).constructPath ?? '',
        ),
      ]),
    );
  }

  /** Every acknowledgement made on the construct tree: where, and for which rule. */
  function acknowledgements(app: App): { path: string; rule: string }[] {
    return app.node.findAll().flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) =>
          Object.keys(entry.data as object).map((rule) => ({
            path: construct.node.path,
            rule: rule.replace(/^Annotation::/, ''),
          })),
        ),
    );
  }

  it.each([
    ['by default', {}],
    ['with approval required', { approval: 'required', editorEmails: 'editor@news.example.com' }],
    ['with an approval window', { approvalWindowHours: 4, editorEmails: 'editor@news.example.com' }],
  ])('finds nothing that was not reviewed %s', (_case, settings) => {
    const { app, stack: reviewed } = build(settings);
    suppressReviewedFindings(reviewed);
    expect([...findings(app).keys()]).toEqual([]);
  });

  it('acknowledges each finding only on the resources that raise it, never stack-wide', () => {
    const unreviewed = build();
    const raised = findings(unreviewed.app);
    const { app, stack: reviewed } = build();
    suppressReviewedFindings(reviewed);

    const acknowledged = acknowledgements(app);
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const { path, rule } of acknowledged) {
      expect(path, rule).not.toBe(reviewed.node.path);
      const covered = (raised.get(rule) ?? []).filter(
        (resource) => resource === path || resource.startsWith(`${path}/`),
      );
      expect(covered, `${rule} acknowledged on ${path}, which raises no such finding`).not.toEqual([]);
    }
    const feedbackRole = reviewed.functions.feedback.role?.node.path;
    expect(acknowledged.filter(({ path }) => path === feedbackRole)).toEqual([]);
  });
});
