import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Node's on-disk compile cache, for every process the run starts (test workers inherit this
// environment, and the servers and scripts tests spawn inherit theirs): each test file is a
// new worker loading the same dependencies, and the spawned `node server/src/main.ts` processes
// compile the same server, so V8 compiles each file once per machine rather than every time.
// Measured on 4 spawn-heavy files: a quarter less CPU. Caller's own setting wins.
process.env.NODE_COMPILE_CACHE ??= path.join(os.tmpdir(), 'smartcloudops-node-compile-cache');

// One config, several projects: each folder's tests run in the environment its code runs in.
// Timeouts are ceilings for a hung test, not expectations: tests wait on conditions, and on a
// 2-core machine running other CPU-heavy work (load average 30 has been seen) a test that
// takes 3 s when quiet takes 40 s, so the ceilings are generous.
// vitest's default for a run is one worker fewer than the cores: on a 2-core machine that is
// one file at a time. Most suites wait on servers, PostgreSQL and child processes rather than
// compute, so every core gets a file. Set per project: projects that differ in it (a pool's
// own default) must not share a sequence group.
const CEILING = { testTimeout: 120_000, hookTimeout: 180_000, maxWorkers: Math.max(2, os.availableParallelism()) };

// The HTTP-level suites of the features that keep state, whose tests start servers on the
// default database (the stores' own suites are parametrised over both databases already).
const POSTGRES_PASS = [
  'server/src/alerts/console-tools.test.ts',
  'server/src/alerts/rules/default-rules.test.ts',
  'server/src/alerts/sources/alertmanager.test.ts',
  'server/src/alerts/sources/receiver-batch.test.ts',
  'server/src/alerts/stream.test.ts',
  'server/src/anomaly/backfill.test.ts',
  'server/src/anomaly/batch-scoring.test.ts',
  'server/src/anomaly/training.test.ts',
  'server/src/anomaly/wide-target.test.ts',
  'server/src/audit/denied-flood.test.ts',
  'server/src/auth/auth.test.ts',
  'server/src/auth/credential-memory.test.ts',
  'server/src/auth/jwt-attacks.test.ts',
  'server/src/auth/login-protection.test.ts',
  'server/src/auth/logout.test.ts',
  'server/src/auth/session-revocation.test.ts',
  'server/src/chatops/chat-flood.test.ts',
  'server/src/chatops/conversation.test.ts',
  'server/src/chatops/policy.test.ts',
  'server/src/chatops/runbook-gateway.test.ts',
  'server/src/chatops/slack/refusal-flood.test.ts',
  'server/src/chatops/slack/slack.test.ts',
  'server/src/datasources/datasources.test.ts',
  'server/src/datasources/promql-rules.test.ts',
  'server/src/datasources/promql-rules-wide.test.ts',
  'server/src/datasources/proxy.test.ts',
  'server/src/datasources/watches/watch-creator.test.ts',
  'server/src/datasources/watches/watch-quotas.test.ts',
  'server/src/datasources/watches/watches.test.ts',
  'server/src/datasources/watches/wide-series.test.ts',
  'server/src/fleet/fleet.test.ts',
  'server/src/incidents/inline-alerts-bound.test.ts',
  'server/src/incidents/postmortem-escape.test.ts',
  'server/src/incidents/source-queries.test.ts',
  'server/src/metrics/answer-buffers.test.ts',
  'server/src/metrics/chunk-export.test.ts',
  'server/src/metrics/collectors/prometheus-scrape.test.ts',
  'server/src/metrics/overview-route.test.ts',
  'server/src/metrics/plugin.test.ts',
  'server/src/metrics/routes.test.ts',
  'server/src/notifications/test-send.test.ts',
  'server/src/runbooks/approval-window.test.ts',
  'server/src/runbooks/chat-gateway.test.ts',
  'server/src/runbooks/plan-change-approvers.test.ts',
  'server/src/runbooks/remediation.e2e.test.ts',
  'server/src/runbooks/run-cancel.test.ts',
  'server/src/runbooks/runbooks.test.ts',
  'server/src/runbooks/step-bounds.test.ts',
  'server/src/runbooks/trigger-storm.test.ts',
  'server/src/stream/credential-end.test.ts',
  'server/src/stream/session-end.test.ts',
  'server/src/stream/stream.test.ts',
  'server/src/stream/ticket-share.test.ts',
  'server/src/stream/ticket.test.ts',
  'server/src/users/users.test.ts',
  'server/src/http/nul-characters.test.ts',
];

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'shared', include: ['shared/**/*.test.ts'], environment: 'node', ...CEILING } },
      { test: { name: 'server', include: ['server/**/*.test.ts'], environment: 'node', ...CEILING } },
      // The server's HTTP-level suites of the features that keep state, a second time with every
      // test server on PostgreSQL (a new database each); the stores' own suites run on both
      // databases within 'server' (describe.each(testDatabases())).
      {
        test: {
          name: 'server-postgres',
          include: POSTGRES_PASS,
          environment: 'node',
          ...CEILING,
          globalSetup: ['server/src/testing/postgres-pass.setup.ts'],
        },
      },
      { test: { name: 'electron', include: ['electron/**/*.test.ts'], environment: 'node', ...CEILING, globalSetup: ['electron/test/keyring-setup.ts'] } },
      { test: { name: 'scripts', include: ['scripts/**/*.test.ts', 'bench/**/*.test.ts'], environment: 'node', ...CEILING } },
      {
        extends: './renderer/vite.config.ts',
        // vmThreads: a jsdom per worker with each file in its own VM context (per-file isolation
        // kept). A new jsdom per file in a fresh process cost 4/5 of this project's time.
        test: { name: 'renderer', include: ['renderer/**/*.test.{ts,tsx}'], environment: 'jsdom', pool: 'vmThreads', setupFiles: ['renderer/src/test/setup.ts'], ...CEILING },
      },
    ],
  },
});
