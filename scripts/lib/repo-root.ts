/**
 * The repository's root folder (absolute, no trailing separator), for the defaults of the Node
 * commands (data/, the lock, the cache). Node-only, unlike the rest of scripts/lib/: it needs a file
 * path, so no browser code may import it (tests/lib/browser-safe.test.ts allows it alone).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
