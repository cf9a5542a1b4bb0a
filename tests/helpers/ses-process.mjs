// Runs aws-ses-v2-local in its own process on 127.0.0.1 and prints its port as one JSON line.
// Its own process, so that a sender killed mid-run (or a busy benchmark) does not take it down.
import sesServer from 'aws-ses-v2-local';

const server = await (sesServer.default ?? sesServer)({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
