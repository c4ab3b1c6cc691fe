/**
 * Coverage from real configuration files: `auditpol /get /category:* /r` CSV, Sysmon XML
 * configurations and the Windows default audit policy, with advice in units an administrator
 * switches on. Pure (no I/O, no node: imports, no dependency beyond papaparse) so the site can
 * bundle it; Node callers read files with ./load.ts.
 */
export * from './xml.ts';
export * from '../../windows/index.ts';
export * from './auditpol.ts';
export * from './sysmon.ts';
export * from './data.ts';
export * from './preset.ts';
export * from './collect.ts';
export * from './report.ts';
export * from './layers.ts';
export * from './format.ts';
