import net from 'node:net';
import type { AddressInfo } from 'node:net';

/** A loopback TCP relay to `127.0.0.1:<targetPort>` that a test can cut like a network partition. */
export interface TcpRelay {
  port: number;
  /**
   * A partition: the connections open now go silent (nothing is relayed either way, nothing
   * is closed on the client's side: no FIN, no RST, as when a node or a link is lost), and
   * new connections are accepted but never relayed. The database side of the open ones is
   * closed, as PostgreSQL itself does once its keepalive gives up on a lost client.
   */
  blackhole(): void;
  /** The link is back: new connections are relayed again. Those cut before stay silent for good. */
  heal(): void;
  close(): Promise<void>;
}

export async function startTcpRelay(targetPort: number): Promise<TcpRelay> {
  let cut = false;
  const sockets = new Set<net.Socket>();
  const live = new Set<() => void>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  };
  const server = net.createServer((client) => {
    track(client);
    // Accepted, read and never answered: a connection attempt into the partition.
    if (cut) {
      client.resume();
      return;
    }
    const upstream = net.connect(targetPort, '127.0.0.1');
    track(upstream);
    let silent = false;
    client.on('data', (chunk) => {
      if (!silent) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!silent) client.write(chunk);
    });
    // While relayed, an end on either side ends the other (a normal disconnect).
    client.on('close', () => {
      if (!silent) upstream.destroy();
    });
    upstream.on('close', () => {
      if (!silent) client.destroy();
    });
    const silence = () => {
      silent = true;
      upstream.destroy();
    };
    live.add(silence);
    client.on('close', () => live.delete(silence));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    blackhole() {
      cut = true;
      for (const silence of [...live]) silence();
      live.clear();
    },
    heal() {
      cut = false;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
