// The service the end-to-end test breaks and the runbook restarts: answers /health and
// exposes one metric on /metrics. Usage: node victim.fixture.js <port>
import http from 'node:http';

const port = Number(process.argv[2]);
http
  .createServer((request, response) => {
    if (request.url === '/metrics') {
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      response.end('# TYPE victim_requests_total counter\nvictim_requests_total 1\n');
      return;
    }
    response.writeHead(request.url === '/health' ? 200 : 404, { 'content-type': 'text/plain' });
    response.end(request.url === '/health' ? 'ok\n' : 'not found\n');
  })
  .listen(port, '127.0.0.1');
