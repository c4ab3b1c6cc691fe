/**
 * Decodes a configuration file as Windows tools write it: UTF-8 (with or without BOM), UTF-16
 * LE/BE with BOM (PowerShell 5 `>` redirection), UTF-16 LE without BOM, else Windows-1252
 * (cmd.exe redirection of localised auditpol output). Browser-safe: the CLI and the coverage page
 * read files through this one function.
 *
 * Also the input limits both share: the largest configuration input read at all, and how many
 * warnings one input lists before the rest are summarised in one line.
 */
import { CoverageError } from '../types.ts';

/**
 * Largest auditpol export or Sysmon configuration read (bytes of a file; characters of a text).
 * A real auditpol export is a few kB and a large Sysmon configuration well under 1 MiB.
 */
export const MAX_CONFIG_INPUT_BYTES = 16 * 1024 * 1024;

/** Warnings one input lists at most; the rest become one line "… and K more warnings". */
export const MAX_WARNINGS = 50;

const mib = (n: number): string => `${Number.isInteger(n / 1024 / 1024) ? n / 1024 / 1024 : (n / 1024 / 1024).toFixed(1)} MiB`;

/**
 * The refusal of an input larger than `limit`, or null when it may be read. `unit` says what
 * `size` counts: the bytes of a file, or the characters of a text (pasted, or already decoded).
 */
export function inputTooLarge(source: string, size: number, what: string, unit: 'bytes' | 'characters' = 'bytes', limit = MAX_CONFIG_INPUT_BYTES): CoverageError | null {
  if (size <= limit) return null;
  const amount = unit === 'bytes' ? `${mib(size)} (${size} bytes)` : `${size} characters long`;
  const max = unit === 'bytes' ? `${mib(limit)} limit` : `limit of ${limit} characters (${mib(limit)})`;
  return new CoverageError(
    `${source} is ${amount}, more than the ${max} for ${what}; it was not read (an auditpol export is a few kB, a large Sysmon configuration under 1 MiB): is it the right file?`,
  );
}

/**
 * Collects the warnings of one input, keeping at most `max`: a message may be given as a function
 * so that nothing is spent on building warnings that are not listed.
 */
export class WarningList {
  private readonly kept: string[] = [];
  private dropped = 0;
  private readonly max: number;

  constructor(max = MAX_WARNINGS) {
    this.max = max;
  }

  add(message: string | (() => string)): void {
    if (this.kept.length < this.max) this.kept.push(typeof message === 'string' ? message : message());
    else this.dropped++;
  }

  /** Warnings so far, listed or not. */
  get count(): number {
    return this.kept.length + this.dropped;
  }

  /** The listed warnings, then "… and K more warnings" when some were not listed. */
  list(): string[] {
    if (this.dropped === 0) return [...this.kept];
    return [...this.kept, `… and ${this.dropped} more warning${this.dropped === 1 ? '' : 's'}`];
  }
}

export function decodeText(buf: Uint8Array, source = 'the file', maxBytes = MAX_CONFIG_INPUT_BYTES): string {
  const tooLarge = inputTooLarge(source, buf.length, 'a configuration file', 'bytes', maxBytes);
  if (tooLarge) throw tooLarge;
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return new TextDecoder('utf-16le').decode(buf.subarray(2));
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return new TextDecoder('utf-16be').decode(buf.subarray(2));
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return new TextDecoder('utf-8').decode(buf.subarray(3));
  const sample = buf.subarray(0, 400);
  let oddZeros = 0;
  for (let i = 1; i < sample.length; i += 2) if (sample[i] === 0) oddZeros++;
  if (sample.length >= 4 && oddZeros > sample.length / 4) return new TextDecoder('utf-16le').decode(buf);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return new TextDecoder('windows-1252').decode(buf);
  }
}
