import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataFolderError, readDataFile, readDataJson, readOptionalDataJson, versionFolder } from '../../scripts/data-folder/read.ts';
import { ExpectedError } from '../../scripts/lib/expected-error.ts';

describe('the one reader of a data folder', () => {
  it('parses a file and keeps its bytes', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'data-folder-'));
    const file = path.join(dir, 'index.json');
    await writeFile(file, '{"latest":"18.1"}\n');
    const { value, bytes } = await readDataFile(file);
    expect(value).toEqual({ latest: '18.1' });
    expect(bytes.toString('utf8')).toBe('{"latest":"18.1"}\n');
    expect(await readDataJson(file)).toEqual({ latest: '18.1' });
  });

  it('names the missing or broken file and what to do, as an expected error', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'data-folder-'));
    const missing = path.join(dir, 'techniques.json');
    const err = await readDataJson(missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataFolderError);
    expect(err).toBeInstanceOf(ExpectedError);
    expect((err as Error).message).toBe(`${missing} does not exist (build the data with npm run data, or pass --data DIR)`);
    const broken = path.join(dir, 'events.json');
    await writeFile(broken, '{"events": [');
    await expect(readDataJson(broken)).rejects.toThrow(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not valid JSON \\(`));
  });

  it('gives undefined for an optional file that older folders lack, but still refuses a broken one', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'data-folder-'));
    expect(await readOptionalDataJson(path.join(dir, 'groups.json'))).toBeUndefined();
    await writeFile(path.join(dir, 'rules.json'), 'nope');
    await expect(readOptionalDataJson(path.join(dir, 'rules.json'))).rejects.toThrow(DataFolderError);
  });

  it('finds a version folder from its index.json path', () => {
    expect(versionFolder('/d', 'enterprise-attack/18.1')).toBe(path.join('/d', 'enterprise-attack', '18.1'));
  });
});
