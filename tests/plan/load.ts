/** The plan's data for ATT&CK 18.1 from the repository's data/, loaded once per test file. Not a test file itself. */
import path from 'node:path';
import { loadPlanVersion } from '../../scripts/plan/load.ts';
import { repoRoot } from '../helpers/mirror-server.ts';

export const DATA = path.join(repoRoot, 'data');
export const v181 = await loadPlanVersion(DATA, '18.1');
