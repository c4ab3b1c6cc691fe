/**
 * Reads a GitHub archive tarball (`.tar.gz`) into memory: path → bytes, with GitHub's top folder
 * (`<repo>-<commit>/`) stripped. node-tar does the parsing; a hand-written tar reader would be one
 * more thing to get wrong on hostile input. Untrusted archive: paths are checked, and the unpacked
 * size and the number of files are capped so a tar bomb fails with a message instead of eating memory.
 */
import { Parser, type ReadEntry } from 'tar';
import { ExpectedError } from '../lib/expected-error.ts';

export class ArchiveError extends ExpectedError {
  constructor(
    readonly where: string,
    message: string,
  ) {
    super(`${where}: ${message}`);
    this.name = 'ArchiveError';
  }
}

export interface TarLimits {
  /** Unpacked bytes of the kept files, at most. */
  maxBytes: number;
  /** Kept files, at most. */
  maxFiles: number;
}

export const DEFAULT_TAR_LIMITS: TarLimits = { maxBytes: 512 * 1024 * 1024, maxFiles: 200_000 };

/** A safe relative path: no absolute path, no `..`, no empty or `.` segment, no backslash or NUL. */
function safeRelative(p: string): boolean {
  if (p === '' || p.startsWith('/') || /[\\\0]/.test(p)) return false;
  return p.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

/**
 * Unpacks the regular files of a `.tar.gz` (or plain `.tar`) whose path, after the top folder, passes
 * `keep`. `label` names the source in errors (the URL and what it is).
 */
export function readTarball(bytes: Buffer, label: string, keep: (path: string) => boolean = () => true, limits: TarLimits = DEFAULT_TAR_LIMITS): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let total = 0;
  let failure: Error | undefined;
  const fail = (message: string): void => {
    failure ??= new ArchiveError(label, message);
  };
  const parser = new Parser({
    strict: true,
    onReadEntry: (entry: ReadEntry) => {
      const raw = entry.path.replace(/\/+$/, '');
      const slash = raw.indexOf('/');
      const rel = slash < 0 ? '' : raw.slice(slash + 1);
      if (failure || entry.type !== 'File' || rel === '' || !keep(rel)) {
        entry.resume();
        return;
      }
      if (!safeRelative(rel)) {
        fail(`archive entry "${entry.path.slice(0, 200)}" is not a safe relative path`);
        entry.resume();
        return;
      }
      if (files.size + 1 > limits.maxFiles) {
        fail(`more than ${limits.maxFiles} files; refusing to unpack it`);
        entry.resume();
        return;
      }
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => {
        total += c.length;
        if (total > limits.maxBytes) fail(`unpacks to more than ${limits.maxBytes} bytes; refusing to unpack it`);
        else chunks.push(c);
      });
      entry.on('end', () => {
        // Most files arrive in one chunk: keep it rather than copy it.
        if (!failure) files.set(rel, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
      });
    },
  });
  parser.on('warn', (_code: string, message: string | Error) => fail(`not a valid tar.gz archive (${typeof message === 'string' ? message : message.message})`));
  parser.on('error', (e: Error) => fail(`not a valid tar.gz archive (${e.message})`));
  let ended = false;
  parser.on('end', () => {
    ended = true;
  });
  try {
    parser.end(bytes);
  } catch (e) {
    fail(`not a valid tar.gz archive (${(e as Error).message})`);
  }
  if (failure) throw failure;
  // node-tar parses a buffer synchronously; an archive cut short never reaches its end.
  if (!ended) throw new ArchiveError(label, 'the archive is truncated (no end of archive)');
  return files;
}
