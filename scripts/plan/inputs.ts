/**
 * Node-only: what is collected already, read exactly as the coverage command reads it (--events,
 * --events-file, --auditpol, --sysmon, --preset): the coverage loader's own reader.
 */
export { type CollectedArgs, readCollected } from '../coverage/load.ts';
