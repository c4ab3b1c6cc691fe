/** GitHub Actions glue that is not logic: step outputs. */
import { appendFile } from 'node:fs/promises';

/**
 * Appends `key=value` lines to the file named by $GITHUB_OUTPUT when it is set (in a workflow
 * step); does nothing elsewhere. Values are kept to one line.
 */
export async function setGithubOutputs(outputs: Record<string, string>, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const file = env['GITHUB_OUTPUT'];
  if (!file) return;
  const lines = Object.entries(outputs).map(([k, v]) => `${k}=${v.replace(/[\r\n]+/g, ' ')}\n`);
  await appendFile(file, lines.join(''));
}
