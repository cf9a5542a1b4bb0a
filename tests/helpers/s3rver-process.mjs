// Runs s3rver in its own process and prints its port as one JSON line.
// s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 only offers through
// its legacy provider: without `--openssl-legacy-provider` every truncated listing fails with
// InternalError (s3rver issue #814). Running it apart lets the tests enable that for it alone.
import S3rver from 's3rver';

const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: process.argv[2] });
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.on('SIGTERM', async () => {
  await server.close();
  process.exit(0);
});
