import type { ScoringRequest, ScoringResponse } from '../../../shared/scoring/protocol.ts';

/**
 * Main's side of the scoring worker, whatever runs it: a utility process in Electron, a
 * worker thread under Node. The client only sees this.
 */
export interface WorkerTransport {
  send(message: ScoringRequest): void;
  onMessage(handler: (message: ScoringResponse) => void): void;
  /** Called once when the worker is gone for any reason other than terminate(). */
  onExit(handler: (exitCode: number | null, reason: string) => void): void;
  terminate(): Promise<void>;
}

export type TransportFactory = () => WorkerTransport;
