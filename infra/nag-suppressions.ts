import { Validations } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import type { DigestStack } from './digest-stack.js';

/** The content bucket's objects under a prefix, as cdk-nag names them in an IAM5 finding. */
const objectsUnder = (prefix: string) => `AwsSolutions-IAM5[Resource::<Content88381566.Arn>/${prefix}*]`;

/**
 * cdk-nag AwsSolutions findings that were reviewed and accepted, each on exactly the resource or
 * role it concerns (never the whole stack), with its reason. Anything not listed here fails
 * `cdk synth`; tests/infra checks that every acknowledgement here answers a finding.
 */
export function suppressReviewedFindings(stack: DigestStack): void {
  const acknowledge = (scope: IConstruct, id: string, reason: string) =>
    Validations.of(scope).acknowledge({ id, reason });
  const roleOf = (fn: IFunction): IConstruct => {
    if (!fn.role) throw new Error(`${fn.node.path} has no role to acknowledge findings on`);
    return fn.role;
  };

  acknowledge(
    stack.unsubscribeSecret,
    'AwsSolutions-SMG4',
    'The secret seals unsubscribe links already delivered to inboxes; rotating it would break every one of them, so it is rotated by hand (README "Deploy").',
  );
  // The send queue's dead-letter queue is recognised as one (its redrive policy says so); the
  // schedule's is named only in the schedule, which cdk-nag does not read.
  acknowledge(
    stack.deadLetterQueues.schedule,
    'AwsSolutions-SQS3',
    'This queue is itself the dead-letter queue of the weekly schedule (EventBridge Scheduler).',
  );
  for (const fn of Object.values(stack.functions)) {
    acknowledge(
      fn,
      'AwsSolutions-L1',
      'Pinned to Node.js 22, the runtime the bundles are built and tested for; changing runtimes is a deliberate, tested step.',
    );
  }
  acknowledge(
    roleOf(stack.functions.build),
    objectsUnder('archive/'),
    'The build writes each issue under the archive/ prefix, whatever its id, and nothing else in the bucket.',
  );
  acknowledge(
    roleOf(stack.functions.build),
    objectsUnder('briefings/'),
    'The build reads every object under the briefings/ prefix, whatever editors name them, and nothing else.',
  );
  acknowledge(
    roleOf(stack.functions.send),
    objectsUnder('archive/'),
    'The send function reads the issue it sends from the archive/ prefix (read only), and nothing else in the bucket.',
  );
  acknowledge(
    roleOf(stack.functions.unsubscribe),
    objectsUnder('archive/'),
    'The public site reads archived issues and their index under the archive/ prefix (read only), and nothing else in the bucket.',
  );
  acknowledge(
    stack.rateLimits,
    'AwsSolutions-DDB3',
    'The table holds only sign-up rate-limit counters that expire within a day; there is nothing to recover.',
  );
  acknowledge(
    stack.scheduleRole,
    'AwsSolutions-IAM5[Resource::<BuildDigest613B9AE0.Arn>:*]',
    'The scheduler may invoke only the build function; the :* covers that function’s versions and aliases.',
  );
}
