import yaml from 'js-yaml';
import { ExpectedError } from '../lib/expected-error.ts';

export class OssemError extends ExpectedError {
  constructor(
    readonly where: string,
    message: string,
  ) {
    super(`${where}: ${message}`);
    this.name = 'OssemError';
  }
}

export type YamlValue = null | boolean | number | string | Date | YamlValue[] | { [key: string]: YamlValue };
export type YamlMap = { [key: string]: YamlValue };

export function isMap(v: YamlValue | undefined): v is YamlMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** Parses YAML with the JSON-compatible core schema (no custom tags, no code). */
export function loadYaml(text: string, where: string): YamlValue {
  try {
    return yaml.load(text, { schema: yaml.CORE_SCHEMA, filename: where }) as YamlValue;
  } catch (e) {
    throw new OssemError(where, `not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
}

/** A scalar as trimmed text; null, missing and empty become undefined. Numbers (event IDs) become text. */
export function text(m: YamlMap, key: string): string | undefined {
  const v = m[key];
  if (typeof v === 'string') return v.trim() === '' ? undefined : v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}
