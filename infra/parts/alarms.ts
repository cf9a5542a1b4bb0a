import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { DeploySettings } from '../settings.js';
import { StackPart } from './stack-part.js';

/**
 * Alarms on what needs a person: dead letters in either queue, recipients failing permanently,
 * any function's errors, and the public endpoint turning requests away at its reserved concurrency.
 */
export class Alarms extends StackPart {
  constructor(
    scope: Construct,
    id: string,
    props: {
      settings: DeploySettings;
      key: kms.IKey;
      deadLetters: { send: sqs.Queue; schedule: sqs.Queue };
      functions: Record<'BuildDigest' | 'SendBatch' | 'Unsubscribe' | 'Feedback', IFunction>;
    },
  ) {
    super(scope, id);
    const { settings, deadLetters, functions } = props;
    const topic = new sns.Topic(this, 'Alarms', { masterKey: props.key, enforceSSL: true });
    if (settings.alarmEmail) topic.addSubscription(new subscriptions.EmailSubscription(settings.alarmEmail));
    const alarm = (alarmId: string, metric: cloudwatch.IMetric, threshold: number, description: string) => {
      new cloudwatch.Alarm(this, alarmId, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      }).addAlarmAction(new actions.SnsAction(topic));
    };
    alarm(
      'SendDeadLettersAlarm',
      deadLetters.send.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      1,
      'Send batches failed five times and reached the dead-letter queue',
    );
    alarm(
      'ScheduleDeadLettersAlarm',
      deadLetters.schedule.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
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
    for (const [name, fn] of Object.entries(functions))
      alarm(
        `${name}ErrorsAlarm`,
        fn.metricErrors({ period: Duration.minutes(5) }),
        1,
        `The ${name} function failed`,
      );
    if (settings.unsubscribeReservedConcurrency !== undefined)
      alarm(
        'UnsubscribeThrottlesAlarm',
        functions.Unsubscribe.metricThrottles({ period: Duration.minutes(5) }),
        1,
        'The unsubscribe URL turned requests away (429) at its reserved concurrency: a flood, or too low a setting',
      );
  }
}
