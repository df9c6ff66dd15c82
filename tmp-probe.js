const { spawn } = require('node:child_process');
const http = require('node:http');
const port = 18931;
const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672', QUEUE_NAME: `probe${Date.now()}`, QUEUE_MAX_LENGTH: '10000000', QUEUE_DELIVERY_LIMIT: '20', API_KEYS: '', ...JSON.parse(process.argv[2] || '{}') };
const child = spawn(process.execPath, ['--max-old-space-size=256', 'dist/apps/producer-api/main.cjs'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const body = JSON.stringify({ type: 'TERMINATION', payload: { customerId: 'C00033333', msisdn: '011-123-4567', reason: 'CUSTOMER_REQUEST', effectiveDate: '2026-12-31' } });
const post = () => new Promise((resolve) => {
  const t = performance.now();
  const req = http.request({ host: '127.0.0.1', port, path: '/api/v1/orders', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => { let s=''; res.on('data', d=> s+=d); res.on('end', () => resolve([performance.now() - t, res.statusCode, s])); });
  req.end(body);
});
(async () => {
  for (let i = 0; i < 100; i++) { try { const r = await fetch(`http://127.0.0.1:${port}/ready`); if (r.ok) break; } catch {} await new Promise(r => setTimeout(r, 200)); }
  const lat = [];
  for (let i = 0; i < 300; i++) { const [ms, code, s] = await post(); if (code !== 202 && i < 2) console.log(code, s); lat.push(ms); await new Promise(r => setTimeout(r, 5)); }
  lat.sort((a, b) => a - b);
  console.log('p50', lat[150].toFixed(1), 'p90', lat[270].toFixed(1), 'p99', lat[297].toFixed(1));
  child.kill('SIGTERM');
})();
