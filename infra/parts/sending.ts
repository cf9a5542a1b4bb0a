import { join } from 'node:path';
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SnsEventSource, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { type DeploySettings, deployedApproval, senderMailbox } from '../settings.js';
import { buildFunctionName, digestFunction, ROOT } from './digest-function.js';
import type { PublicEndpoint } from './public-endpoint.js';
import { StackPart } from './stack-part.js';
import { ARCHIVE, BRIEFINGS, type Storage } from './storage.js';

const SEND_TIMEOUT = Duration.minutes(5);
/** Each send function instance sends at about this rate; the queue's concurrency is sized from it. */
const RATE_PER_INSTANCE = 5;

/**
 * The weekly pipeline from briefings to inboxes: the build function (briefings → archive → send
 * queue), the send function (queue → SES, exactly once through the ledger), SES with the sender
 * domain (Easy DKIM) and a configuration set whose bounces and complaints reach the feedback
 * function through an encrypted topic. Each function may touch only what it needs.
 */
export class Sending extends StackPart {
  readonly build: NodejsFunction;
  /** The build function's name, known before deployment (`buildFunctionName`). */
  readonly buildFunctionName: string;
  readonly send: NodejsFunction;
  readonly feedback: NodejsFunction;
  readonly sendQueue: sqs.Queue;
  readonly sendDeadLetters: sqs.Queue;
  readonly configurationSet: ses.ConfigurationSet;
  /** The sender domain, verified by DKIM. */
  readonly identity: ses.EmailIdentity;
  /** Encrypts the SES feedback topic, and the alarm topic. */
  readonly notificationsKey: kms.Key;

  constructor(
    scope: Construct,
    id: string,
    props: { settings: DeploySettings; storage: Storage; endpoint: PublicEndpoint },
  ) {
    super(scope, id);
    const { settings, storage, endpoint } = props;
    const stack = Stack.of(this);

    const queueDefaults = { enforceSSL: true, encryption: sqs.QueueEncryption.SQS_MANAGED };
    this.sendDeadLetters = new sqs.Queue(this, 'SendDeadLetters', {
      ...queueDefaults,
      retentionPeriod: Duration.days(14),
    });
    this.sendQueue = new sqs.Queue(this, 'SendQueue', {
      ...queueDefaults,
      // AWS's advice for Lambda consumers: at least six times the function timeout.
      visibilityTimeout: Duration.seconds(SEND_TIMEOUT.toSeconds() * 6),
      deadLetterQueue: { queue: this.sendDeadLetters, maxReceiveCount: 5 },
    });

    this.notificationsKey = new kms.Key(this, 'NotificationsKey', {
      description: 'Encrypts the SES feedback and alarm topics',
      enableKeyRotation: true,
    });
    for (const service of ['ses.amazonaws.com', 'cloudwatch.amazonaws.com']) {
      this.notificationsKey.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal(service)],
          actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
        }),
      );
    }
    const feedbackTopic = new sns.Topic(this, 'SesFeedback', {
      masterKey: this.notificationsKey,
      enforceSSL: true,
    });
    this.configurationSet = new ses.ConfigurationSet(this, 'SendingEvents', {
      reputationMetrics: true,
      sendingEnabled: true,
    });
    this.configurationSet.addEventDestination('BouncesAndComplaints', {
      destination: ses.EventDestination.snsTopic(feedbackTopic),
      events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
    });
    const identity = new ses.EmailIdentity(this, 'SenderDomain', {
      identity: ses.Identity.domain(settings.senderDomain),
      configurationSet: this.configurationSet,
    });
    this.identity = identity;

    // Links in every issue point at the public site: its own address when one is set in front of
    // the Function URL (`siteUrl`), else the Function URL.
    const url = settings.siteUrl ? `${settings.siteUrl.replace(/\/+$/, '')}/` : endpoint.url.url;
    const listEnvironment = {
      NEWSLETTER_NAME: settings.newsletterName,
      SENDER: senderMailbox(settings),
      LIST_ID: settings.senderDomain,
      UNSUBSCRIBE_URL: url,
      UNSUBSCRIBE_MAILTO: settings.senderEmail,
      ARCHIVE_URL: `${url}view/{issueId}`,
      UNSUBSCRIBE_SECRET_ARN: storage.secret.secretArn,
    };

    const approval = deployedApproval(settings);
    this.buildFunctionName = buildFunctionName(stack.stackName);
    const approvalEnvironment: Record<string, string> =
      approval.kind === 'none'
        ? {}
        : {
            APPROVAL: settings.approval,
            APPROVAL_WINDOW_HOURS: String(settings.approvalWindowHours),
            EDITOR_EMAILS: settings.editorEmails.join(','),
          };
    this.build = digestFunction(this, 'BuildDigest', 'build-digest', {
      description: 'Builds the week’s digest from the briefings, archives it and queues the recipients',
      // Named, not generated: the public site invokes it to start an approved send, and a
      // reference to it from the site would close a loop (it needs the site's address).
      functionName: this.buildFunctionName,
      memorySize: 1024,
      timeout: Duration.minutes(5),
      environment: {
        ...approvalEnvironment,
        ...listEnvironment,
        BUCKET: storage.bucket.bucketName,
        BRIEFINGS_PREFIX: BRIEFINGS,
        ARCHIVE_PREFIX: ARCHIVE,
        SUBSCRIBERS_TABLE: storage.subscribers.tableName,
        ISSUES_TABLE: storage.issues.tableName,
        QUEUE_URL: this.sendQueue.queueUrl,
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
    });

    const maxConcurrency = Math.max(
      2,
      Math.min(1000, Math.ceil(settings.sendRatePerSecond / RATE_PER_INSTANCE)),
    );
    this.send = digestFunction(this, 'SendBatch', 'send-batch', {
      description: 'Sends queued batches through SES, exactly once per recipient',
      timeout: SEND_TIMEOUT,
      environment: {
        ...listEnvironment,
        BUCKET: storage.bucket.bucketName,
        ARCHIVE_PREFIX: ARCHIVE,
        SUBSCRIBERS_TABLE: storage.subscribers.tableName,
        LEDGER_TABLE: storage.ledger.tableName,
        CONFIGURATION_SET: this.configurationSet.configurationSetName,
        SEND_RATE: String(settings.sendRatePerSecond / maxConcurrency),
        // The approve links in draft copies lead to the public site.
        ...(approval.kind === 'none' ? {} : { SITE_URL: url }),
      },
    });
    this.send.addEventSource(
      new SqsEventSource(this.sendQueue, { batchSize: 5, reportBatchItemFailures: true, maxConcurrency }),
    );

    this.feedback = digestFunction(this, 'Feedback', 'feedback', {
      description: 'Suppresses addresses that bounce permanently or complain',
      memorySize: 256,
      timeout: Duration.seconds(30),
      environment: { SUBSCRIBERS_TABLE: storage.subscribers.tableName },
    });
    this.feedback.addEventSource(new SnsEventSource(feedbackTopic));

    // ── Least privilege ──────────────────────────────────────────────────────
    this.build.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [storage.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${BRIEFINGS}*`] } },
      }),
    );
    storage.allowObjects(this.build, ['s3:GetObject'], BRIEFINGS);
    storage.allowObjects(this.build, ['s3:PutObject'], ARCHIVE);
    // The archive's index, which the build reads to add the issue to it: that one object only.
    this.build.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [storage.bucket.arnForObjects(`${ARCHIVE}index.json`)],
      }),
    );
    storage.subscribers.grant(this.build, 'dynamodb:Scan');
    storage.issues.grant(this.build, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem');
    // The release schedule looks through the issues for drafts whose window has ended.
    if (approval.kind === 'window') storage.issues.grant(this.build, 'dynamodb:Scan');
    this.sendQueue.grantSendMessages(this.build);

    storage.allowObjects(this.send, ['s3:GetObject'], ARCHIVE);
    storage.subscribers.grant(this.send, 'dynamodb:BatchGetItem');
    storage.ledger.grant(
      this.send,
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:Query',
    );
    storage.secret.grantRead(this.send);
    this.send.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendRawEmail'],
        resources: [
          stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity.emailIdentityName }),
          stack.formatArn({
            service: 'ses',
            resource: 'configuration-set',
            resourceName: this.configurationSet.configurationSetName,
          }),
        ],
      }),
    );
    storage.subscribers.grant(this.feedback, 'dynamodb:UpdateItem');
  }
}
