import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DigestError } from '../core/errors.js';
import { awsHint } from './aws-errors.js';
import { awsRegion } from './aws-region.js';

/** A DynamoDB document client from the standard credential chain; `AWS_ENDPOINT_URL_DYNAMODB` points it at a local server. */
export function createDocumentClient(endpoint?: string): DynamoDBDocumentClient {
  const config: DynamoDBClientConfig = {
    region: awsRegion(),
  };
  if (endpoint) config.endpoint = endpoint;
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/** `dynamodb://table-name` → `table-name`. */
export function parseDynamoUrl(url: string): string | undefined {
  const match = /^dynamodb:\/\/([A-Za-z0-9_.-]{3,255})$/.exec(url);
  return match?.[1];
}

export function isConditionFailure(error: unknown): boolean {
  return (error as { name?: string }).name === 'ConditionalCheckFailedException';
}

/** Turns an SDK error into one line that says what to do. */
export function dynamoError(error: unknown, table: string): DigestError {
  const name = (error as { name?: string }).name ?? 'Error';
  const hint =
    name === 'ResourceNotFoundException'
      ? `table ${table} does not exist: check the name and the region (the CDK stack outputs the name)`
      : (awsHint(error, 'DynamoDB', '--dynamodb-endpoint (or AWS_ENDPOINT_URL_DYNAMODB)') ??
        `${name}: ${(error as Error).message}`);
  return new DigestError(`DynamoDB ${table}: ${hint}`, { cause: error });
}

/** Runs a DynamoDB call; any error comes back as one line that says what to do. */
export async function explained<T>(table: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw dynamoError(error, table);
  }
}

/** A conditional write: true when it was made, false when its condition did not hold. */
export async function conditionally(table: string, write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw dynamoError(error, table);
  }
}
