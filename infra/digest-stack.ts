import { CfnOutput, CfnRule, Fn, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { Alarms } from './parts/alarms.js';
import { PublicEndpoint } from './parts/public-endpoint.js';
import { WeeklySchedule } from './parts/schedule.js';
import { Sending } from './parts/sending.js';
import { PartedStack } from './parts/stack-part.js';
import { BRIEFINGS, Storage } from './parts/storage.js';
import { type DeploySettings, deployedApproval, placeholderSender } from './settings.js';

export interface DigestStackProps extends StackProps {
  settings: DeploySettings;
}

/**
 * The weekly digest on AWS, made of its parts: storage, the public endpoint (unsubscribe and
 * the view-in-browser archive), sending (build → SQS → send through SES, and feedback), the
 * weekly schedule, and alarms.
 *
 *   schedule ─▶ build ─▶ archive/<issue>/ (S3) ─▶ SQS ─▶ send ─▶ SES ─▶ subscribers
 *                                                                  └▶ SNS ─▶ feedback
 *
 * With approval on, the build makes a draft and queues its `[Draft]` copies for the editors;
 * the site's approve link (or `digest approve`) records the approval and invokes the build with
 * `{ "approve": issueId }`, and with a window the release schedule invokes it with
 * `{ "release": true }`; either queues the issue as above.
 */
export class DigestStack extends PartedStack {
  readonly functions: Record<'build' | 'send' | 'unsubscribe' | 'feedback', NodejsFunction>;
  readonly schedule: scheduler.Schedule;
  /** The release schedule, when approval has a window. */
  readonly releaseSchedule?: scheduler.Schedule;
  /** The role EventBridge Scheduler assumes to invoke the build function. */
  readonly scheduleRole: iam.Role;
  readonly deadLetterQueues: { send: sqs.Queue; schedule: sqs.Queue };
  readonly unsubscribeSecret: secretsmanager.Secret;
  /** The public site's rate-limit counters. */
  readonly rateLimits: dynamodb.Table;

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

    const storage = new Storage(this, 'Storage');
    const endpoint = new PublicEndpoint(this, 'PublicEndpoint', { settings, storage });
    const sending = new Sending(this, 'Sending', { settings, storage, endpoint });
    endpoint.sendConfirmationsAs(
      sending.identity.emailIdentityName,
      sending.configurationSet.configurationSetName,
    );
    if (deployedApproval(settings).kind !== 'none')
      endpoint.approveWith(storage.issues, sending.buildFunctionName);
    const weekly = new WeeklySchedule(this, 'Schedule', { settings, build: sending.build });
    this.deadLetterQueues = { send: sending.sendDeadLetters, schedule: weekly.deadLetters };
    new Alarms(this, 'Monitoring', {
      settings,
      key: sending.notificationsKey,
      deadLetters: this.deadLetterQueues,
      functions: {
        BuildDigest: sending.build,
        SendBatch: sending.send,
        Unsubscribe: endpoint.fn,
        Feedback: sending.feedback,
      },
    });

    this.functions = {
      build: sending.build,
      send: sending.send,
      unsubscribe: endpoint.fn,
      feedback: sending.feedback,
    };
    this.schedule = weekly.schedule;
    if (weekly.release) this.releaseSchedule = weekly.release;
    this.scheduleRole = weekly.role;
    this.unsubscribeSecret = storage.secret;
    this.rateLimits = storage.rateLimits;

    new CfnOutput(this, 'BucketName', {
      value: storage.bucket.bucketName,
      description: `Upload briefings under s3://…/${BRIEFINGS}`,
    });
    new CfnOutput(this, 'UnsubscribeUrl', { value: endpoint.url.url });
    new CfnOutput(this, 'SiteUrl', {
      value: endpoint.url.url,
      description: 'The public site: /subscribe, /archive/, /feed.xml',
    });
    new CfnOutput(this, 'SubscribersTable', { value: storage.subscribers.tableName });
    new CfnOutput(this, 'LedgerTable', { value: storage.ledger.tableName });
    new CfnOutput(this, 'IssuesTable', { value: storage.issues.tableName });
    new CfnOutput(this, 'SendQueueUrl', { value: sending.sendQueue.queueUrl });
    new CfnOutput(this, 'BuildFunctionName', { value: sending.build.functionName });
    new CfnOutput(this, 'ConfigurationSetName', { value: sending.configurationSet.configurationSetName });
  }
}
