import { parentPort, workerData } from 'node:worker_threads';
import { runScoringWorker } from './scoring-worker.ts';

// Entry of the scoring worker as a Node worker thread (tests, and any host without Electron).
const port = parentPort!;
runScoringWorker(
  {
    post: (message) => port.postMessage(message),
    onMessage: (handler) => port.on('message', handler),
    exit: (code) => process.exit(code),
  },
  { testHooks: (workerData as { testHooks?: boolean } | null)?.testHooks === true },
);
port.postMessage({ type: 'ready' });
