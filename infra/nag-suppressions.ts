import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { DigestStack } from './digest-stack.js';

/**
 * cdk-nag AwsSolutions findings that were reviewed and accepted, each with its reason. Anything
 * not listed here fails `cdk synth`.
 */
export function suppressReviewedFindings(stack: DigestStack): void {
  const acknowledge = (scope: IConstruct, id: string, reason: string) =>
    Validations.of(scope).acknowledge({ id, reason });

  acknowledge(
    stack.unsubscribeSecret,
    'AwsSolutions-SMG4',
    'The secret signs unsubscribe links already delivered to inboxes; rotating it would break every one of them, so it is rotated by hand (README "Deploy").',
  );
  for (const queue of stack.deadLetterQueues) {
    acknowledge(
      queue,
      'AwsSolutions-SQS3',
      'This queue is itself a dead-letter queue (of the send queue or of the weekly schedule).',
    );
  }
  for (const fn of Object.values(stack.functions)) {
    acknowledge(
      fn,
      'AwsSolutions-L1',
      'Pinned to Node.js 22, the runtime the bundles are built and tested for; changing runtimes is a deliberate, tested step.',
    );
    if (fn.role) {
      acknowledge(
        fn.role,
        'AwsSolutions-IAM5[Resource::<Content88381566.Arn>/archive/*]',
        'Objects under the archive/ prefix only: these functions read (the build: writes) the issue archive and nothing else in the bucket.',
      );
    }
  }
  if (stack.functions.build.role) {
    acknowledge(
      stack.functions.build.role,
      'AwsSolutions-IAM5[Resource::<Content88381566.Arn>/briefings/*]',
      'The build reads every object under the briefings/ prefix, whatever editors name them, and nothing else.',
    );
  }
  // The schedule target's role is created at stack level by the scheduler library.
  acknowledge(
    stack,
    'AwsSolutions-IAM5[Resource::<BuildDigest613B9AE0.Arn>:*]',
    'The scheduler may invoke only the build function; the :* covers that function’s versions and aliases.',
  );
}
