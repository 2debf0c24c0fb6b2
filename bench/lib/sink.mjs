// The sink: answers every POST with 200 and a small JSON body, and counts the requests.
// GET /count returns the count so far. Run pinned to core 1 by webhook.bench.mjs.
import { Buffer } from 'node:buffer';
import { createServer } from 'node:http';
import { ready } from './child.mjs';

let count = 0;
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/count') {
    const body = JSON.stringify({ count });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  req.on('data', () => {});
  req.on('end', () => {
    count++;
    const body = `{"sink":true,"accepted":true,"seq":${count}}`;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => ready({ port: server.address().port }));
