import { utilityProcess } from 'electron';
import type { ScoringResponse } from '../../../shared/scoring/protocol.ts';
import type { TransportFactory, WorkerTransport } from './transport.ts';

/** Runs the scoring worker in an Electron utility process; `entryPath` is the built utility-process-entry. */
export function utilityProcessTransport(entryPath: string): TransportFactory {
  return () => {
    const child = utilityProcess.fork(entryPath, [], { serviceName: 'SmartCloudOps scoring', stdio: 'inherit' });
    let terminating = false;
    let exitHandler: (exitCode: number | null, reason: string) => void = () => {};
    child.on('exit', (code) => {
      if (!terminating) exitHandler(code, `scoring process exited with code ${code}`);
    });
    const transport: WorkerTransport = {
      send: (message) => child.postMessage(message),
      onMessage: (handler) => child.on('message', (message: ScoringResponse) => handler(message)),
      onExit: (handler) => {
        exitHandler = handler;
      },
      terminate: async () => {
        terminating = true;
        child.kill();
      },
    };
    return transport;
  };
}
