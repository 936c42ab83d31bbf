import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppError } from '../../../shared/errors.ts';
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

describe('a server URL that redirects (http to https behind a proxy, a moved host)', () => {
  const server = http.createServer((request, response) => {
    response.writeHead(301, { location: `https://console.example.com:8443${request.url}?session=secret` }).end('<html>Moved</html>');
  });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('says where it redirects (without following it), not that the request is malformed', async () => {
    const error = (await probeServer(url, {}).catch((caught: unknown) => caught)) as AppError;
    expect(error).toMatchObject({ code: 'E_BAD_REQUEST', details: { status: 301, reason: 'redirect', location: 'https://console.example.com:8443/health' } });
    expect(error.message).toMatch(/redirects to https:\/\/console\.example\.com:8443/);
    expect(JSON.stringify(error.details)).not.toContain('secret');
  });
});
