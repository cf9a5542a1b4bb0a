import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { StackPart } from './stack-part.js';

export const BRIEFINGS = 'briefings/';
/** TTL attributes the adapters write (src/adapters/rate-limit-dynamodb.ts, subscribers-dynamodb.ts). */
export const RATE_LIMIT_TTL_ATTRIBUTE = 'expiresAt';
export const PENDING_TTL_ATTRIBUTE = 'pendingExpiresAt';
export const ARCHIVE = 'archive/';

/**
 * What the digest keeps: the content bucket (`briefings/` in, `archive/<issue>/` out; private,
 * TLS only, encrypted, versioned, access-logged), the subscriber, ledger and issue tables
 * (on demand, point-in-time recovery), and the secret that seals unsubscribe links. Buckets and
 * tables are retained when the stack goes, so no list or archive is lost by accident.
 */
export class Storage extends StackPart {
  readonly bucket: s3.Bucket;
  readonly subscribers: dynamodb.Table;
  readonly ledger: dynamodb.Table;
  readonly issues: dynamodb.Table;
  /** The public site's rate-limit counters: small items that DynamoDB deletes after their window. */
  readonly rateLimits: dynamodb.Table;
  readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new s3.Bucket(this, 'Content', {
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
    this.subscribers = new dynamodb.Table(this, 'Subscribers', {
      ...tableDefaults,
      partitionKey: { name: 'email', type: dynamodb.AttributeType.STRING },
      // Sign-ups nobody confirmed are deleted a week after their last confirmation message.
      timeToLiveAttribute: PENDING_TTL_ATTRIBUTE,
    });
    this.ledger = new dynamodb.Table(this, 'DeliveryLedger', {
      ...tableDefaults,
      partitionKey: { name: 'issueId', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'recipient', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: 'expiresAt',
    });
    // One item per issue: what the weekly run did with it, and its approval (the fields are
    // `IssueRecord` in src/core/delivery/approval.ts, listed in README "Approval").
    this.issues = new dynamodb.Table(this, 'Issues', {
      ...tableDefaults,
      partitionKey: { name: 'issueId', type: dynamodb.AttributeType.STRING },
    });
    this.rateLimits = new dynamodb.Table(this, 'RateLimits', {
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: RATE_LIMIT_TTL_ATTRIBUTE,
      // Counters that live an hour or a day: nothing to recover, nothing to keep.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.secret = new secretsmanager.Secret(this, 'UnsubscribeSecret', {
      description: 'Key for unsubscribe links. Rotating it invalidates every link already sent.',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
  }

  /** Lets a function use objects under one prefix of the bucket, and nothing else in it. */
  allowObjects(
    fn: { addToRolePolicy(statement: iam.PolicyStatement): void },
    actions: string[],
    prefix: string,
  ): void {
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions, resources: [this.bucket.arnForObjects(`${prefix}*`)] }),
    );
  }
}
