import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { InvalidRunbook } from '../../../shared/api/runbooks.ts';
import { parseRunbook, type LoadedRunbook } from './parse.ts';
import { readRunbookFile } from './read-runbook-file.ts';
import { SetupError } from '../setup-error.ts';

const RUNBOOK_FILE = /\.ya?ml$/i;

/**
 * The runbooks of one folder, one per file, re-read when a file changes (node:fs.watch,
 * debounced: editors write a file in several steps). A file that fails to parse is listed
 * with its line and message and never affects the others; two files with the same id are
 * both refused rather than one silently shadowing the other.
 */
export class RunbookCatalog {
  readonly dir: string;
  readonly #log: Logger;
  readonly #debounceMs: number;
  #runbooks = new Map<string, LoadedRunbook>();
  #invalid: InvalidRunbook[] = [];
  #watcher: fs.FSWatcher | null = null;
  #timer: NodeJS.Timeout | null = null;
  #listeners = new Set<() => void>();

  constructor(dir: string, log: Logger, debounceMs = 200) {
    this.dir = dir;
    this.#log = log;
    this.#debounceMs = debounceMs;
  }

  get(id: string): LoadedRunbook | undefined {
    return this.#runbooks.get(id);
  }

  all(): LoadedRunbook[] {
    return [...this.#runbooks.values()].sort((a, b) => a.definition.id.localeCompare(b.definition.id));
  }

  invalid(): InvalidRunbook[] {
    return this.#invalid;
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Reads every file of the folder again (creating the folder if needed). */
  reload(): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const loaded: LoadedRunbook[] = [];
    const invalid: InvalidRunbook[] = [];
    for (const name of fs.readdirSync(this.dir).filter((file) => RUNBOOK_FILE.test(file)).sort()) {
      const read = readRunbookFile(path.join(this.dir, name));
      if (!read.ok) {
        invalid.push({ file: name, line: 1, message: read.message });
        continue;
      }
      const result = parseRunbook(name, read.source);
      if (result.ok) loaded.push(result.runbook);
      else invalid.push({ file: name, line: result.line, message: result.message });
    }
    const byId = new Map<string, LoadedRunbook[]>();
    for (const runbook of loaded) byId.set(runbook.definition.id, [...(byId.get(runbook.definition.id) ?? []), runbook]);
    const runbooks = new Map<string, LoadedRunbook>();
    for (const [id, same] of byId) {
      if (same.length === 1) runbooks.set(id, same[0]!);
      else for (const runbook of same) invalid.push({ file: runbook.file, line: 1, message: `id "${id}" is also used by ${same.filter((o) => o !== runbook).map((o) => o.file).join(', ')}` });
    }
    this.#runbooks = runbooks;
    this.#invalid = invalid.sort((a, b) => a.file.localeCompare(b.file));
    if (invalid.length > 0) this.#log.warn({ invalid }, 'some runbook files are invalid');
    for (const listener of this.#listeners) listener();
  }

  /** Loads now, then follows the folder until `stop()`. */
  watch(): void {
    try {
      this.reload();
    } catch (error) {
      // The folder itself cannot be used (a file of that name, no permission): an installation
      // problem, said in one line at start-up. Later reloads keep what was loaded and log.
      const code = (error as NodeJS.ErrnoException).code;
      if (code === undefined) throw error;
      throw new SetupError(`Cannot use the runbook folder ${this.dir} (${code}): it must be a folder the server can read; set SMARTCLOUDOPS_RUNBOOKS_DIR.`, { cause: error });
    }
    try {
      this.#watcher = fs.watch(this.dir, () => this.#schedule());
      this.#watcher.on('error', (error) => this.#log.warn({ err: error }, 'runbook folder watch failed'));
    } catch (error) {
      this.#log.warn({ err: error, dir: this.dir }, 'cannot watch the runbook folder; changes need a restart');
    }
  }

  stop(): void {
    this.#watcher?.close();
    this.#watcher = null;
    if (this.#timer) clearTimeout(this.#timer);
  }

  #schedule(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      try {
        this.reload();
      } catch (error) {
        this.#log.error({ err: error }, 'reloading runbooks failed');
      }
    }, this.#debounceMs);
    this.#timer.unref();
  }
}
