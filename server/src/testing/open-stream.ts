/** An open `GET /api/v1/stream` of a listening server, for tests of when the server ends it. */
export interface OpenStream {
  /** Settles when the stream ends (the server ended the body, or `close`). */
  ended: Promise<void>;
  isOpen: () => boolean;
  close: () => void;
}

/**
 * Opens the event stream at `url` (the server's base URL) with a bearer credential or a
 * stream ticket; `controllers` collects the abort controllers for the test's clean-up.
 */
export async function openEventStream(url: string, credential: { bearer: string } | { ticket: string }, controllers: AbortController[]): Promise<OpenStream> {
  const controller = new AbortController();
  controllers.push(controller);
  const target = 'ticket' in credential ? `${url}/api/v1/stream?ticket=${credential.ticket}` : `${url}/api/v1/stream`;
  const headers: Record<string, string> = 'bearer' in credential ? { authorization: `Bearer ${credential.bearer}` } : {};
  const response = await fetch(target, { headers, signal: controller.signal });
  if (response.status !== 200) throw new Error(`the stream was refused: ${response.status} ${await response.text()}`);
  const reader = response.body!.getReader();
  let isOpen = true;
  const ended = (async () => {
    try {
      while (!(await reader.read()).done);
    } catch {
      // aborted by the test itself
    }
    isOpen = false;
  })();
  // Headers go out with the first write (`retry:`), which the hub makes as it registers the client.
  return { ended, isOpen: () => isOpen, close: () => controller.abort() };
}
