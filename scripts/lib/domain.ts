/** The one ATT&CK domain this project maps (STIX bundle name, data folder, Navigator layer domain). Browser-safe. */
export const DOMAIN = 'enterprise-attack';
