/** One definition of the checksum used by the cache, the lock and `Fetched`. */

import { createHash } from 'node:crypto';

/** Lower-case hex sha256 of `data`. */
export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
