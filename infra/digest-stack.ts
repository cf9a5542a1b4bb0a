import { join } from 'node:path';
import {
  CfnOutput,
  CfnRule,
  Duration,
  Fn,
  RemovalPolicy,
  Stack,
  type StackProps,
  TimeZone,
} from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SnsEventSource, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { type DeploySettings, placeholderSender } from './settings.js';

const ROOT = join(import.meta.dirname, '..');
const BRIEFINGS = 'briefings/';
const ARCHIVE = 'archive/';
const SEND_TIMEOUT = Duration.minutes(5);
/** Each send function instance sends at about this rate; the queue's concurrency is sized from it. */
const RATE_PER_INSTANCE = 5;

// Parts of MJML and cheerio that rendering never calls (minifier, beautifier, URL fetching,
// charset sniffing, attribute rewriting): replaced by a stub that fails loudly if ever touched,
// which keeps the build function's bundle under 1 MB.
const UNUSED_IN_LAMBDA = [
  'juice',
  'cheerio',
  'htmlnano',
  'cssnano-preset-lite',
  'js-beautify',
  'uglify-js',
  'cosmiconfig',
  'undici',
  'iconv-lite',
  'domutils',
];

export interface DigestStackProps extends StackProps {
  settings: DeploySettings;
}

/** The weekly digest on AWS: schedule → build → SQS → send (SES), unsubscribe URL, feedback. */
export class DigestStack extends Stack {
  readonly functions: Record<'build' | 'send' | 'unsubscribe' | 'feedback', NodejsFunction>;
  readonly schedule: scheduler.Schedule;
  /** The role EventBridge Scheduler assumes to invoke the build function. */
  readonly scheduleRole: iam.Role;
  readonly deadLetterQueues: { send: sqs.Queue; schedule: sqs.Queue };
  readonly unsubscribeSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: DigestStackProps) {
    super(scope, id, props);
    const { settings } = props;

    // A sender that is still the shipped placeholder: CloudFormation checks rules before it
    // creates anything, so this assertion (false by construction) refuses the deploy, saying why.
    const placeholder = placeholderSender(settings);
    if (placeholder) {
      new CfnRule(this, 'SenderIsConfigured', {
        assertions: [
          {
            assert: Fn.conditionEquals('placeholder sender', 'a domain you control'),
            assertDescription: placeholder,
          },
        ],
      });
    }

    // ── Storage ──────────────────────────────────────────────────────────────
    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const bucket = new s3.Bucket(this, 'Content', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'content/',
      lifecycleRules: [
        {
          id: 'old-archives',
          prefix: ARCHIVE,
          transitions: [
            { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(90) },
          ],
          noncurrentVersionExpiration: Duration.days(30),
        },
        { id: 'old-briefings', prefix: BRIEFINGS, noncurrentVersionExpiration: Duration.days(90) },
        { id: 'unfinished-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const tableDefaults = {
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.RETAIN,
    };
    const subscribers = new dynamodb.Table(this, 'Subscribers', {
      ...tableDefaults,
      partitionKey: { name: 'email', type: dynamodb.AttributeType.STRING },
    });
    const ledger = new dynamodb.Table(this, 'DeliveryLedger', {
      ...tableDefaults,
      partitionKey: { name: 'issueId', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'recipient', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: 'expiresAt',
    });
    const issues = new dynamodb.Table(this, 'Issues', {
      ...tableDefaults,
      partitionKey: { name: 'issueId', type: dynamodb.AttributeType.STRING },
    });

    const secret = new secretsmanager.Secret(this, 'UnsubscribeSecret', {
      description: 'Key for unsubscribe links. Rotating it invalidates every link already sent.',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });

    // ── Queues ───────────────────────────────────────────────────────────────
    const queueDefaults = { enforceSSL: true, encryption: sqs.QueueEncryption.SQS_MANAGED };
    const sendDeadLetters = new sqs.Queue(this, 'SendDeadLetters', {
      ...queueDefaults,
      retentionPeriod: Duration.days(14),
    });
    const sendQueue = new sqs.Queue(this, 'SendQueue', {
      ...queueDefaults,
      // AWS's advice for Lambda consumers: at least six times the function timeout.
      visibilityTimeout: Duration.seconds(SEND_TIMEOUT.toSeconds() * 6),
      deadLetterQueue: { queue: sendDeadLetters, maxReceiveCount: 5 },
    });
    const scheduleDeadLetters = new sqs.Queue(this, 'ScheduleDeadLetters', {
      ...queueDefaults,
      retentionPeriod: Duration.days(14),
    });

    // ── SES and its feedback ─────────────────────────────────────────────────
    const notificationsKey = new kms.Key(this, 'NotificationsKey', {
      description: 'Encrypts the SES feedback and alarm topics',
      enableKeyRotation: true,
    });
    for (const service of ['ses.amazonaws.com', 'cloudwatch.amazonaws.com']) {
      notificationsKey.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal(service)],
          actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
        }),
      );
    }
    const feedbackTopic = new sns.Topic(this, 'SesFeedback', {
      masterKey: notificationsKey,
      enforceSSL: true,
    });
    const configurationSet = new ses.ConfigurationSet(this, 'SendingEvents', {
      reputationMetrics: true,
      sendingEnabled: true,
    });
    configurationSet.addEventDestination('BouncesAndComplaints', {
      destination: ses.EventDestination.snsTopic(feedbackTopic),
      events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
    });
    const identity = new ses.EmailIdentity(this, 'SenderDomain', {
      identity: ses.Identity.domain(settings.senderDomain),
      configurationSet,
    });

    // ── Functions ────────────────────────────────────────────────────────────
    // Each function gets its own role that may write only to its own log group (instead of the
    // account-wide AWSLambdaBasicExecutionRole); the grants below add what each one needs.
    const functionDefaults = (
      name: string,
      extra: Partial<NodejsFunctionProps> = {},
    ): NodejsFunctionProps => {
      const logGroup = new logs.LogGroup(this, `${name}-logs`, {
        retention: logs.RetentionDays.THREE_MONTHS,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      const role = new iam.Role(this, `${name}-role`, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `Runs the ${name} function`,
      });
      role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [logGroup.logGroupArn],
        }),
      );
      return {
        entry: join(ROOT, 'functions', `${name}.ts`),
        projectRoot: ROOT,
        depsLockFilePath: join(ROOT, 'package-lock.json'),
        runtime: lambda.Runtime.NODEJS_22_X,
        architecture: lambda.Architecture.ARM_64,
        memorySize: 512,
        role,
        logGroup,
        loggingFormat: lambda.LoggingFormat.JSON,
        ...extra,
        environment: {
          NODE_OPTIONS: '--enable-source-maps',
          POWERTOOLS_LOG_LEVEL: 'INFO',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          ...extra.environment,
        },
        bundling: {
          format: OutputFormat.ESM,
          target: 'node22',
          minify: true,
          sourceMap: true,
          metafile: true,
          mainFields: ['module', 'main'],
          // The AWS SDK is bundled (tree-shaken, one file): measured, that halves module import
          // time against loading the runtime's copy from node_modules. Only the build function,
          // which carries MJML, leaves it out to stay under 1 MB (it runs once a week).
          externalModules: name === 'build-digest' ? ['@aws-sdk/*'] : [],
          // ESM output still meets CommonJS dependencies that call require().
          banner: "import{createRequire}from'module';const require=createRequire(import.meta.url);",
          esbuildArgs: {
            ...Object.fromEntries(
              UNUSED_IN_LAMBDA.map((module) => [
                `--alias:${module}`,
                join(ROOT, 'infra', 'bundling', 'unused-module.cjs'),
              ]),
            ),
            '--alias:source-map': join(ROOT, 'infra', 'bundling', 'absent-module.cjs'),
          },
          ...extra.bundling,
        },
      };
    };

    const unsubscribeFunction = new NodejsFunction(
      this,
      'Unsubscribe',
      functionDefaults('unsubscribe', {
        description: 'Unsubscribe page, RFC 8058 one-click unsubscribe, and the view-in-browser archive',
        memorySize: 256,
        timeout: Duration.seconds(10),
        // Its URL is public: reserved concurrency caps what a flood of requests can take from
        // the account, so sending and feedback keep theirs (excess requests get 429).
        reservedConcurrentExecutions: settings.unsubscribeReservedConcurrency,
        environment: {
          BUCKET: bucket.bucketName,
          ARCHIVE_PREFIX: ARCHIVE,
          SUBSCRIBERS_TABLE: subscribers.tableName,
          LIST_ID: settings.senderDomain,
          NEWSLETTER_NAME: settings.newsletterName,
          UNSUBSCRIBE_SECRET_ARN: secret.secretArn,
        },
      }),
    );
    const functionUrl = unsubscribeFunction.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
    const listEnvironment = {
      NEWSLETTER_NAME: settings.newsletterName,
      SENDER: `${settings.newsletterName.replace(/[<>"]/g, '')} <${settings.senderEmail}>`,
      LIST_ID: settings.senderDomain,
      UNSUBSCRIBE_URL: functionUrl.url,
      UNSUBSCRIBE_MAILTO: settings.senderEmail,
      ARCHIVE_URL: `${functionUrl.url}view/{issueId}`,
      UNSUBSCRIBE_SECRET_ARN: secret.secretArn,
    };

    const buildFunction = new NodejsFunction(
      this,
      'BuildDigest',
      functionDefaults('build-digest', {
        description: 'Builds the week’s digest from the briefings, archives it and queues the recipients',
        memorySize: 1024,
        timeout: Duration.minutes(5),
        environment: {
          ...listEnvironment,
          BUCKET: bucket.bucketName,
          BRIEFINGS_PREFIX: BRIEFINGS,
          ARCHIVE_PREFIX: ARCHIVE,
          SUBSCRIBERS_TABLE: subscribers.tableName,
          ISSUES_TABLE: issues.tableName,
          QUEUE_URL: sendQueue.queueUrl,
          TIME_ZONE: settings.timeZone,
          POSTAL_ADDRESS: settings.postalAddress,
        },
        bundling: {
          commandHooks: {
            beforeBundling: () => [],
            beforeInstall: () => [],
            afterBundling: (_input: string, output: string) => [
              `cp -r "${join(ROOT, 'templates')}" "${output}/templates"`,
            ],
          },
        },
      }),
    );

    const maxConcurrency = Math.max(
      2,
      Math.min(1000, Math.ceil(settings.sendRatePerSecond / RATE_PER_INSTANCE)),
    );
    const sendFunction = new NodejsFunction(
      this,
      'SendBatch',
      functionDefaults('send-batch', {
        description: 'Sends queued batches through SES, exactly once per recipient',
        timeout: SEND_TIMEOUT,
        environment: {
          ...listEnvironment,
          BUCKET: bucket.bucketName,
          ARCHIVE_PREFIX: ARCHIVE,
          SUBSCRIBERS_TABLE: subscribers.tableName,
          LEDGER_TABLE: ledger.tableName,
          CONFIGURATION_SET: configurationSet.configurationSetName,
          SEND_RATE: String(settings.sendRatePerSecond / maxConcurrency),
        },
      }),
    );
    sendFunction.addEventSource(
      new SqsEventSource(sendQueue, { batchSize: 5, reportBatchItemFailures: true, maxConcurrency }),
    );

    const feedbackFunction = new NodejsFunction(
      this,
      'Feedback',
      functionDefaults('feedback', {
        description: 'Suppresses addresses that bounce permanently or complain',
        memorySize: 256,
        timeout: Duration.seconds(30),
        environment: { SUBSCRIBERS_TABLE: subscribers.tableName },
      }),
    );
    feedbackFunction.addEventSource(new SnsEventSource(feedbackTopic));

    // ── Least privilege ──────────────────────────────────────────────────────
    const allowObjects = (fn: lambda.IFunction, actions: string[], prefix: string) =>
      fn.addToRolePolicy(
        new iam.PolicyStatement({ actions, resources: [bucket.arnForObjects(`${prefix}*`)] }),
      );
    buildFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${BRIEFINGS}*`] } },
      }),
    );
    allowObjects(buildFunction, ['s3:GetObject'], BRIEFINGS);
    allowObjects(buildFunction, ['s3:PutObject'], ARCHIVE);
    subscribers.grant(buildFunction, 'dynamodb:Scan');
    issues.grant(buildFunction, 'dynamodb:GetItem', 'dynamodb:PutItem');
    sendQueue.grantSendMessages(buildFunction);

    allowObjects(sendFunction, ['s3:GetObject'], ARCHIVE);
    subscribers.grant(sendFunction, 'dynamodb:BatchGetItem');
    ledger.grant(
      sendFunction,
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:Query',
    );
    secret.grantRead(sendFunction);
    sendFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendRawEmail'],
        resources: [
          this.formatArn({ service: 'ses', resource: 'identity', resourceName: identity.emailIdentityName }),
          this.formatArn({
            service: 'ses',
            resource: 'configuration-set',
            resourceName: configurationSet.configurationSetName,
          }),
        ],
      }),
    );

    allowObjects(unsubscribeFunction, ['s3:GetObject'], ARCHIVE);
    subscribers.grant(unsubscribeFunction, 'dynamodb:UpdateItem');
    secret.grantRead(unsubscribeFunction);
    subscribers.grant(feedbackFunction, 'dynamodb:UpdateItem');

    // ── Schedule ─────────────────────────────────────────────────────────────
    // The schedule's role, made here rather than by the targets library, so that what it may do
    // (invoke the build, send to its dead-letter queue) has a name of its own.
    this.scheduleRole = new iam.Role(this, 'ScheduleRole', {
      description: 'Lets EventBridge Scheduler start the weekly build',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': this.account,
            'aws:SourceArn': this.formatArn({
              service: 'scheduler',
              resource: 'schedule-group',
              resourceName: 'default',
            }),
          },
        },
      }),
    });
    this.schedule = new scheduler.Schedule(this, 'Weekly', {
      description: `Builds and sends ${settings.newsletterName}`,
      schedule: scheduler.ScheduleExpression.expression(settings.schedule, TimeZone.of(settings.timeZone)),
      target: new targets.LambdaInvoke(buildFunction, {
        role: this.scheduleRole,
        input: scheduler.ScheduleTargetInput.fromObject({ source: 'schedule' }),
        retryAttempts: 2,
        maxEventAge: Duration.hours(6),
        deadLetterQueue: scheduleDeadLetters,
      }),
    });

    // ── Alarms ───────────────────────────────────────────────────────────────
    const alarmTopic = new sns.Topic(this, 'Alarms', { masterKey: notificationsKey, enforceSSL: true });
    if (settings.alarmEmail)
      alarmTopic.addSubscription(new subscriptions.EmailSubscription(settings.alarmEmail));
    const alarm = (id: string, metric: cloudwatch.IMetric, threshold: number, description: string) => {
      new cloudwatch.Alarm(this, id, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      }).addAlarmAction(new actions.SnsAction(alarmTopic));
    };
    alarm(
      'SendDeadLettersAlarm',
      sendDeadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      1,
      'Send batches failed five times and reached the dead-letter queue',
    );
    alarm(
      'ScheduleDeadLettersAlarm',
      scheduleDeadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      1,
      'The weekly run could not be started',
    );
    alarm(
      'SendFailuresAlarm',
      new cloudwatch.Metric({
        namespace: 'WeeklyDigest',
        metricName: 'DeliveryFailed',
        dimensionsMap: { service: 'weekly-digest' },
        statistic: 'Sum',
        period: Duration.hours(1),
      }),
      10,
      'Ten or more recipients failed permanently within an hour',
    );
    for (const [id, fn] of Object.entries({
      BuildDigest: buildFunction,
      SendBatch: sendFunction,
      Unsubscribe: unsubscribeFunction,
      Feedback: feedbackFunction,
    })) {
      alarm(
        `${id}ErrorsAlarm`,
        fn.metricErrors({ period: Duration.minutes(5) }),
        1,
        `The ${id} function failed`,
      );
    }
    if (settings.unsubscribeReservedConcurrency !== undefined)
      alarm(
        'UnsubscribeThrottlesAlarm',
        unsubscribeFunction.metricThrottles({ period: Duration.minutes(5) }),
        1,
        'The unsubscribe URL turned requests away (429) at its reserved concurrency: a flood, or too low a setting',
      );

    this.functions = {
      build: buildFunction,
      send: sendFunction,
      unsubscribe: unsubscribeFunction,
      feedback: feedbackFunction,
    };
    this.deadLetterQueues = { send: sendDeadLetters, schedule: scheduleDeadLetters };
    this.unsubscribeSecret = secret;

    // ── Outputs ──────────────────────────────────────────────────────────────
    new CfnOutput(this, 'BucketName', {
      value: bucket.bucketName,
      description: `Upload briefings under s3://…/${BRIEFINGS}`,
    });
    new CfnOutput(this, 'UnsubscribeUrl', { value: functionUrl.url });
    new CfnOutput(this, 'SubscribersTable', { value: subscribers.tableName });
    new CfnOutput(this, 'LedgerTable', { value: ledger.tableName });
    new CfnOutput(this, 'IssuesTable', { value: issues.tableName });
    new CfnOutput(this, 'SendQueueUrl', { value: sendQueue.queueUrl });
    new CfnOutput(this, 'BuildFunctionName', { value: buildFunction.functionName });
    new CfnOutput(this, 'ConfigurationSetName', { value: configurationSet.configurationSetName });
  }
}
