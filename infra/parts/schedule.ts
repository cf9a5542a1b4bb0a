import { Duration, Stack, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { type DeploySettings, deployedApproval } from '../settings.js';
import { StackPart } from './stack-part.js';

/** How often the release schedule looks for drafts whose approval window has ended. */
export const RELEASE_EVERY = Duration.minutes(15);

/**
 * The weekly EventBridge Scheduler schedule that starts the build, with retries and a dead-letter
 * queue; and, when approval has a window, the release schedule that sends the drafts whose window
 * has ended (`{ "release": true }`, every 15 minutes), through the same role and dead-letter queue.
 */
export class WeeklySchedule extends StackPart {
  readonly schedule: scheduler.Schedule;
  readonly release?: scheduler.Schedule;
  /** The role EventBridge Scheduler assumes to invoke the build function. */
  readonly role: iam.Role;
  readonly deadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: { settings: DeploySettings; build: IFunction }) {
    super(scope, id);
    const { settings, build } = props;
    const stack = Stack.of(this);
    this.deadLetters = new sqs.Queue(this, 'ScheduleDeadLetters', {
      enforceSSL: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      retentionPeriod: Duration.days(14),
    });
    // The schedule's role, made here rather than by the targets library, so that what it may do
    // (invoke the build, send to its dead-letter queue) has a name of its own.
    this.role = new iam.Role(this, 'ScheduleRole', {
      description: 'Lets EventBridge Scheduler start the weekly build',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': stack.formatArn({
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
      target: new targets.LambdaInvoke(build, {
        role: this.role,
        input: scheduler.ScheduleTargetInput.fromObject({ source: 'schedule' }),
        retryAttempts: 2,
        maxEventAge: Duration.hours(6),
        deadLetterQueue: this.deadLetters,
      }),
    });
    if (deployedApproval(settings).kind === 'window') {
      this.release = new scheduler.Schedule(this, 'Release', {
        description: `Sends the ${settings.newsletterName} drafts whose approval window has ended`,
        schedule: scheduler.ScheduleExpression.rate(RELEASE_EVERY),
        target: new targets.LambdaInvoke(build, {
          role: this.role,
          input: scheduler.ScheduleTargetInput.fromObject({ release: true }),
          retryAttempts: 2,
          // The next run comes soon: an event older than that is of no use.
          maxEventAge: RELEASE_EVERY,
          deadLetterQueue: this.deadLetters,
        }),
      });
    }
  }
}
