/**
 * The one enablement table of Windows events: audit subcategories (the 59 of auditpol), outcomes,
 * SACL notes, named switches, Sysmon elements, Windows defaults, and each event's row of it
 * (`eventEnable`, carried in events.json as `enable`). Pure and browser-safe; imports nothing
 * but scripts/lib/, so mapping, artifacts, pages and coverage can all read it.
 */
export * from './sources.ts';
export * from './subcategories.ts';
export * from './audit.ts';
export * from './sysmon.ts';
export * from './switches.ts';
export * from './defaults.ts';
export * from './enable.ts';
