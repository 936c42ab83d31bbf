import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../test/self-signed.ts';
import { probeServer } from './probe-server.ts';

describe('probing a server behind TLS with a private certificate', () => {
  const { key, cert } = selfSignedCertificate();
  const server = https.createServer({ key, cert }, (request, response) => {
    if (request.url === '/health') response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok","version":"9.9.9"}');
    else response.writeHead(404).end();
  });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('refuses an untrusted certificate with a TLS reason', async () => {
    await expect(probeServer(url, {})).rejects.toMatchObject({ code: 'E_NETWORK', details: { reason: 'tls' } });
  });

  it('trusts the profile\'s custom CA on top of the system roots', async () => {
    await expect(probeServer(url, { caCertificate: cert })).resolves.toEqual({ serverVersion: '9.9.9', secure: true });
  });
});
