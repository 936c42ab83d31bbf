import { Worker } from 'node:worker_threads';
import type { TransportFactory, WorkerTransport } from './transport.ts';

/**
 * Runs the scoring worker in a worker thread. Node 24 loads the `.ts` entry directly;
 * `testHooks` lets tests make it crash on request.
 */
export function workerThreadTransport(options: { testHooks?: boolean } = {}): TransportFactory {
  return () => {
    const worker = new Worker(new URL('./worker-thread-entry.ts', import.meta.url), { workerData: { testHooks: options.testHooks === true } });
    let terminating = false;
    let exitHandler: (exitCode: number | null, reason: string) => void = () => {};
    let lastError = '';
    worker.on('error', (error) => {
      lastError = error.message;
    });
    worker.on('exit', (code) => {
      if (!terminating) exitHandler(code, lastError || `worker thread exited with code ${code}`);
    });
    const transport: WorkerTransport = {
      send: (message) => worker.postMessage(message),
      onMessage: (handler) => worker.on('message', handler),
      onExit: (handler) => {
        exitHandler = handler;
      },
      terminate: async () => {
        terminating = true;
        await worker.terminate();
      },
    };
    return transport;
  };
}
