/**
 * `work`, or a rejection with `message` once `limitMs` has passed: a database session kept
 * for a lock (leadership, work claims) must not wait forever on a server that stopped
 * answering, or the lock it stands for would outlive its use.
 */
export function withTimeout<T>(work: Promise<T>, limitMs: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(message)), limitMs);
    }),
  ]).finally(() => clearTimeout(timer));
}
