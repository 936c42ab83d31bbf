import { runScoringWorker } from './scoring-worker.ts';

// Entry of the scoring worker as an Electron utility process: a separate OS process, so a
// crash or a long computation never touches the main process or the window.
const port = process.parentPort;
runScoringWorker(
  {
    post: (message) => port.postMessage(message),
    onMessage: (handler) => port.on('message', (event) => handler(event.data)),
    exit: (code) => process.exit(code),
  },
  { testHooks: false },
);
port.postMessage({ type: 'ready' });
