import { join } from 'node:path';
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import { type DeploySettings, senderMailbox } from '../settings.js';
import { digestFunction, ROOT } from './digest-function.js';
import { StackPart } from './stack-part.js';
import { ARCHIVE, type Storage } from './storage.js';

/**
 * The list's public site: one function behind a Function URL (sign-up with double opt-in, the
 * confirmation page, the unsubscribe page and RFC 8058 one-click, the archive and its feed),
 * with reserved concurrency so a flood of requests cannot take what sending and feedback need,
 * and rate limits on sign-ups in a table of expiring counters.
 */
export class PublicEndpoint extends StackPart {
  readonly fn: NodejsFunction;
  readonly url: lambda.FunctionUrl;

  constructor(scope: Construct, id: string, props: { settings: DeploySettings; storage: Storage }) {
    super(scope, id);
    const { settings, storage } = props;
    // Its resources keep the names of the function it grew from (`Unsubscribe`), so a deployed
    // stack updates it in place rather than replacing its role and logs.
    this.fn = digestFunction(this, 'Unsubscribe', 'unsubscribe', {
      entry: join(ROOT, 'functions', 'site.ts'),
      description: 'The public site: sign-up and confirmation, unsubscribe and one-click, archive and feed',
      memorySize: 256,
      timeout: Duration.seconds(10),
      // Its URL is public: reserved concurrency caps what a flood of requests can take from
      // the account, so sending and feedback keep theirs (excess requests get 429).
      reservedConcurrentExecutions: settings.unsubscribeReservedConcurrency,
      // The approve link starts a send through the Lambda API, which only an approval needs: the
      // runtime's own SDK client, left out of the bundle to keep it under 1 MB.
      bundling: { externalModules: ['@aws-sdk/client-lambda'] },
      environment: {
        BUCKET: storage.bucket.bucketName,
        ARCHIVE_PREFIX: ARCHIVE,
        SUBSCRIBERS_TABLE: storage.subscribers.tableName,
        RATE_LIMIT_TABLE: storage.rateLimits.tableName,
        LIST_ID: settings.senderDomain,
        NEWSLETTER_NAME: settings.newsletterName,
        TIME_ZONE: settings.timeZone,
        ...(settings.siteUrl ? { SITE_URL: settings.siteUrl } : {}),
        SENDER: senderMailbox(settings),
        UNSUBSCRIBE_SECRET_ARN: storage.secret.secretArn,
      },
    });
    this.url = this.fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
    storage.allowObjects(this.fn, ['s3:GetObject'], ARCHIVE);
    // Sign-ups and confirmations read, create and update one address; a sign-up that meets an
    // erasure half way deletes the row it just made.
    storage.subscribers.grant(
      this.fn,
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
    );
    storage.rateLimits.grant(this.fn, 'dynamodb:UpdateItem');
    storage.secret.grantRead(this.fn);
  }

  /**
   * Serves the approve links of draft copies: the site reads an issue's record and records its
   * approval (conditional updates of one item), and starts the send by invoking the build
   * function, named, not referenced (see `buildFunctionName`), and that function only.
   */
  approveWith(issues: dynamodb.ITable, buildFunctionName: string): void {
    this.fn.addEnvironment('ISSUES_TABLE', issues.tableName);
    this.fn.addEnvironment('BUILD_FUNCTION_NAME', buildFunctionName);
    issues.grant(this.fn, 'dynamodb:GetItem', 'dynamodb:UpdateItem');
    this.fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [
          Stack.of(this).formatArn({
            service: 'lambda',
            resource: 'function',
            resourceName: buildFunctionName,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
  }

  /** Lets the site send sign-up confirmations from the sender domain, through the configuration set. */
  sendConfirmationsAs(identityName: string, configurationSetName: string): void {
    const stack = Stack.of(this);
    this.fn.addEnvironment('CONFIGURATION_SET', configurationSetName);
    this.fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendRawEmail'],
        resources: [
          stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identityName }),
          stack.formatArn({
            service: 'ses',
            resource: 'configuration-set',
            resourceName: configurationSetName,
          }),
        ],
      }),
    );
  }
}
