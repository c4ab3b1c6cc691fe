/**
 * The coverage core: event lists in, coverage reports and ATT&CK Navigator layers out. Pure (no
 * I/O, no node: imports) so the site can bundle it; Node callers read files with ./load.ts.
 */
export * from './types.ts';
export * from './grades.ts';
export * from './events.ts';
export * from './data.ts';
export * from './compute.ts';
export * from './format.ts';
export * from './layers.ts';
export * from '../navigator/layer-schema.ts';
export * from './config/index.ts';
