import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh self-signed certificate for 127.0.0.1, made by the system's openssl. */
export function selfSignedCertificate(): { key: string; cert: string } {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-tls-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', path.join(folder, 'key.pem'), '-out', path.join(folder, 'cert.pem'),
      '-days', '1', '-subj', '/CN=SmartCloudOps test', '-addext', 'subjectAltName=IP:127.0.0.1',
    ], { stdio: 'ignore' });
    return { key: fs.readFileSync(path.join(folder, 'key.pem'), 'utf8'), cert: fs.readFileSync(path.join(folder, 'cert.pem'), 'utf8') };
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}
