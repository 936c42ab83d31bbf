import { describe, expect, it } from 'vitest';
import type { Run } from '../../../shared/api/runbooks.ts';
import { eventually } from '../testing/eventually.ts';
import { useRunbookServer } from './testing/runbook-server.ts';

const SECRET = 'env-password-9876543210';
const NODE = JSON.stringify(process.execPath);
// Prints the secret whole on stdout and stderr, and once in two writes with a pause between (two chunks).
const PRINTER = `const s = process.env.DB_PASSWORD; console.log('connecting with ' + s + ' to db'); console.error('auth failed for ' + s); process.stdout.write('split ' + s.slice(0, 9)); setTimeout(() => process.stdout.write(s.slice(9) + ' end'), 200);`;

/**
 * "Used to execute and shown nowhere" (docs/runbooks.md, Credentials in a file): a program
 * that prints the credential it was given (a client's debug line, `set -x`) must not put it
 * in the run's output, nor in the live output events.
 */
describe('a credential printed by the step itself', () => {
  const fixture = useRunbookServer(() => ({
    'leaky.yaml': `id: leaky
title: Prints its password
steps:
  - name: connect
    run: [${NODE}, -e, ${JSON.stringify(PRINTER)}]
    env: { DB_PASSWORD: "${SECRET}" }
safety: { mode: manual, approvers: 0, maxRunsPerHour: 100 }
`,
  }));

  it('is [redacted] in the stored output and in the stream, and the rest of the output is kept', async () => {
    const { server } = fixture;
    const live: string[] = [];
    const unsubscribe = server.app.ctx.events.subscribe((event) => {
      if (event.type === 'runbook_output') live.push(event.data.text);
    });
    try {
      const created = await server.injectAs('operator', { method: 'POST', url: '/api/v1/runbooks/leaky/runs', payload: {} });
      const run = await eventually(async () => (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/runbook-runs/${(created.json() as Run).id}` })).json() as Run, (r) => r.state === 'succeeded' || r.state === 'failed');
      expect(run.state).toBe('succeeded');
      const output = run.steps[0]!.output;
      expect(output).not.toContain(SECRET);
      expect(output).not.toContain(SECRET.slice(9));
      expect(output).toContain('connecting with [redacted] to db');
      expect(output).toContain('auth failed for [redacted]');
      // stdout and stderr share one text, so the stderr line may come between the two halves.
      expect(output).toContain('split ');
      expect(output).toContain('[redacted] end');
      expect(live.join('')).not.toContain(SECRET.slice(9));
      expect(live.join('')).toContain('[redacted]');
    } finally {
      unsubscribe();
    }
  });
});
