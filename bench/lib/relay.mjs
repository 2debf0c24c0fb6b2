// The ceiling: a bare node:http server that takes the POSTed JSON, forwards the body unchanged to
// the sink over an undici keep-alive Pool and answers 200 with the sink's body. No parsing, no
// validation, no mapping, no journal: HTTP in + HTTP out, the least any webhook relay can do.
// Usage: node relay.mjs <sinkOrigin>. Run pinned to core 0 by webhook.bench.mjs.
import { Buffer } from 'node:buffer';
import { createServer } from 'node:http';
import { Pool } from 'undici';
import { ready } from './child.mjs';

const pool = new Pool(process.argv[2], { connections: 128, pipelining: 1, keepAliveTimeout: 60_000 });
const headers = { 'content-type': 'application/json' };

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    try {
      const r = await pool.request({ method: 'POST', path: '/sink', headers, body: Buffer.concat(chunks) });
      const body = Buffer.from(await r.body.arrayBuffer());
      res.writeHead(r.statusCode === 200 ? 200 : 502, {
        'content-type': 'application/json',
        'content-length': body.length,
      });
      res.end(body);
    } catch (e) {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(String(e));
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => ready({ port: server.address().port }));
