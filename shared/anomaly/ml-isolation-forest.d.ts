// ml-isolation-forest ships no types; this is the surface the cross-check test uses (server and shared projects).
declare module 'ml-isolation-forest' {
  export class IsolationForest {
    constructor(options?: { nEstimators?: number });
    train(trainingSet: number[][]): void;
    predict(data: number[][]): number[];
  }
}
