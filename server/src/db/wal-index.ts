import fs from 'node:fs';

/**
 * Frames in the write-ahead log not yet copied back into the database, read from the
 * wal-index header in the `-shm` file (https://www.sqlite.org/walformat.html, "The WAL-Index
 * Format"), native byte order: mxFrame, the log's last valid frame, at byte 16; nBackfill,
 * the frames already copied back, at byte 96. One pread and no lock: a torn read only moves
 * a decision by one turn. `fd`: the `-shm` file opened for reading.
 */
export function pendingWalFrames(fd: number, header: Uint32Array = new Uint32Array(34)): number {
  const bytes = new Uint8Array(header.buffer, header.byteOffset, 136);
  if (fs.readSync(fd, bytes, 0, bytes.length, 0) < bytes.length) return 0;
  const mxFrame = header[4]!;
  const nBackfill = header[24]!;
  return mxFrame > nBackfill ? mxFrame - nBackfill : 0;
}
