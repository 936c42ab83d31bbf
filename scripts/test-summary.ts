// Prints one closing line over every suite's JSON report: "total: N passed, N failed, N skipped".
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface Totals { passed: number; failed: number; skipped: number }

function fromVitest(report: { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests?: number }): Totals {
  return { passed: report.numPassedTests, failed: report.numFailedTests, skipped: report.numPendingTests + (report.numTodoTests ?? 0) };
}

function fromPlaywright(report: { stats: { expected: number; unexpected: number; flaky: number; skipped: number } }): Totals {
  const { expected, unexpected, flaky, skipped } = report.stats;
  return { passed: expected + flaky, failed: unexpected, skipped };
}

const dir = process.argv[2] ?? 'test-results/summary';
const total: Totals = { passed: 0, failed: 0, skipped: 0 };
for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
  const report = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  const totals = 'stats' in report ? fromPlaywright(report) : fromVitest(report);
  console.log(`${file.replace(/\.json$/, '')}: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  total.passed += totals.passed;
  total.failed += totals.failed;
  total.skipped += totals.skipped;
}
console.log(`total: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
