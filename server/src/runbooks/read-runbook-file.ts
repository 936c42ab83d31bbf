import fs from 'node:fs';

/** Runbooks are a page or two of YAML; anything past this is not one, and is not read. */
export const MAX_RUNBOOK_FILE_BYTES = 1_048_576;

export type RunbookFileRead = { ok: true; source: string } | { ok: false; message: string };

/**
 * Reads one runbook file of the folder, refusing what is not a runbook before reading it:
 * anything but a regular file (a named pipe would block start-up until some writer came, a
 * link to /dev/zero would fill memory) and files over 1 MiB (read whole otherwise). The open
 * does not block on a pipe (O_NONBLOCK), and the type and size are those of the file opened
 * (fstat), so nothing swapped in between is read either.
 */
export function readRunbookFile(file: string): RunbookFileRead {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    return { ok: false, message: `cannot read: ${(error as Error).message}` };
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { ok: false, message: 'cannot read: not a regular file' };
    if (stat.size > MAX_RUNBOOK_FILE_BYTES) return { ok: false, message: `cannot read: larger than 1 MiB (${stat.size} bytes)` };
    const { buffer, length } = readBounded(fd, stat.size);
    if (length > MAX_RUNBOOK_FILE_BYTES) return { ok: false, message: 'cannot read: larger than 1 MiB' };
    return { ok: true, source: buffer.toString('utf8', 0, length) };
  } catch (error) {
    return { ok: false, message: `cannot read: ${(error as Error).message}` };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Reads the file from its start, sized by fstat but one byte over it: a file that grew since
 * fstat fills the buffer, which then grows (doubling) up to one byte past the bound, so
 * growth past 1 MiB is still caught without allocating 1 MiB for every page-long runbook.
 */
function readBounded(fd: number, statSize: number): { buffer: Buffer; length: number } {
  let buffer = Buffer.allocUnsafe(statSize + 1);
  let length = 0;
  for (;;) {
    const read = fs.readSync(fd, buffer, length, buffer.length - length, null);
    if (read === 0) return { buffer, length };
    length += read;
    if (length < buffer.length) continue;
    if (buffer.length > MAX_RUNBOOK_FILE_BYTES) return { buffer, length };
    const grown = Buffer.allocUnsafe(Math.min(buffer.length * 2, MAX_RUNBOOK_FILE_BYTES + 1));
    buffer.copy(grown, 0, 0, length);
    buffer = grown;
  }
}
