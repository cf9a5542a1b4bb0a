import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import type { DeploySettings } from '../settings.js';
import { digestFunction } from './digest-function.js';
import { StackPart } from './stack-part.js';
import { ARCHIVE, type Storage } from './storage.js';

/**
 * The list's public endpoint: the unsubscribe function behind a Function URL (the unsubscribe
 * page, RFC 8058 one-click, the view-in-browser archive), with reserved concurrency so a flood
 * of requests cannot take what sending and feedback need.
 */
export class PublicEndpoint extends StackPart {
  readonly fn: NodejsFunction;
  readonly url: lambda.FunctionUrl;

  constructor(scope: Construct, id: string, props: { settings: DeploySettings; storage: Storage }) {
    super(scope, id);
    const { settings, storage } = props;
    this.fn = digestFunction(this, 'Unsubscribe', 'unsubscribe', {
      description: 'Unsubscribe page, RFC 8058 one-click unsubscribe, and the view-in-browser archive',
      memorySize: 256,
      timeout: Duration.seconds(10),
      // Its URL is public: reserved concurrency caps what a flood of requests can take from
      // the account, so sending and feedback keep theirs (excess requests get 429).
      reservedConcurrentExecutions: settings.unsubscribeReservedConcurrency,
      environment: {
        BUCKET: storage.bucket.bucketName,
        ARCHIVE_PREFIX: ARCHIVE,
        SUBSCRIBERS_TABLE: storage.subscribers.tableName,
        LIST_ID: settings.senderDomain,
        NEWSLETTER_NAME: settings.newsletterName,
        UNSUBSCRIBE_SECRET_ARN: storage.secret.secretArn,
      },
    });
    this.url = this.fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
    storage.allowObjects(this.fn, ['s3:GetObject'], ARCHIVE);
    storage.subscribers.grant(this.fn, 'dynamodb:UpdateItem');
    storage.secret.grantRead(this.fn);
  }
}
