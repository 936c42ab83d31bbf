import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import type { Keytar } from '../main/credentials/keytar-store.ts';

/** The real native keytar module. */
export function loadKeytar(): Keytar {
  return createRequire(import.meta.url)('keytar') as Keytar;
}

/** A keychain service name of this test run only, so runs never see each other's secrets. */
export function testServiceName(): string {
  return `SmartCloudOps-test-${crypto.randomUUID()}`;
}
