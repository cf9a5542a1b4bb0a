import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';

export interface LocalDynamo {
  endpoint: string;
  client: DynamoDBDocumentClient;
  createSubscribersTable: (name: string) => Promise<void>;
  createLedgerTable: (name: string) => Promise<void>;
  createIssuesTable: (name: string) => Promise<void>;
  createRateLimitTable: (name: string) => Promise<void>;
  close: () => Promise<void>;
}

/** dynalite (in memory) on 127.0.0.1 with an ephemeral port; tables are ACTIVE at once. */
export async function startLocalDynamo(): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const raw = new DynamoDBClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const client = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  return {
    endpoint,
    client,
    createSubscribersTable: async (name) => {
      await raw.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'email', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'email', KeyType: 'HASH' }],
        }),
      );
    },
    createLedgerTable: async (name) => {
      await raw.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: 'issueId', AttributeType: 'S' },
            { AttributeName: 'recipient', AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: 'issueId', KeyType: 'HASH' },
            { AttributeName: 'recipient', KeyType: 'RANGE' },
          ],
        }),
      );
    },
    createIssuesTable: async (name) => {
      await raw.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'issueId', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'issueId', KeyType: 'HASH' }],
        }),
      );
    },
    createRateLimitTable: async (name) => {
      await raw.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        }),
      );
    },
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
