import { createServer } from 'node:http';

const APPLIED = JSON.stringify({ status: 'applied' });

/**
 * The backend of the same-work drain comparison: node:http answering every POST with 200 at once,
 * after reading its body, and counting the calls (GET /api/v1/ledger/stats answers them as
 * `applied`, as the simulator's ledger does), so the processor and the raw relay are measured
 * against a backend that costs almost nothing.
 */
let calls = 0;
const server = createServer((request, response) => {
  if (request.method === 'GET') {
    const body = request.url === '/api/v1/ledger/stats' ? JSON.stringify({ applied: calls }) : '{"status":"ok"}';
    return response.writeHead(200, { 'content-type': 'application/json' }).end(body);
  }
  request.resume();
  request.on('end', () => {
    calls += 1;
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': APPLIED.length }).end(APPLIED);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env['PORT'] ?? 8196), process.env['HOST'] ?? '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
