import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
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
  // dynalite answers CreateTable with CREATING and refuses the table (ResourceNotFoundException)
  // until it is ACTIVE, a tick later, or later still on a busy machine: wait for ACTIVE.
  const create = async (command: CreateTableCommand) => {
    await raw.send(command);
    const TableName = command.input.TableName;
    for (let attempt = 0; attempt < 400; attempt++) {
      const { Table } = await raw.send(new DescribeTableCommand({ TableName }));
      if (Table?.TableStatus === 'ACTIVE') return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`dynalite never made table ${TableName} active`);
  };
  return {
    endpoint,
    client,
    createSubscribersTable: async (name) => {
      await create(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'email', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'email', KeyType: 'HASH' }],
        }),
      );
    },
    createLedgerTable: async (name) => {
      await create(
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
      await create(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'issueId', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'issueId', KeyType: 'HASH' }],
        }),
      );
    },
    createRateLimitTable: async (name) => {
      await create(
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
