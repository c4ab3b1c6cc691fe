/** The change report between two artifact folders: load → diff → render (Markdown or JSON). */
export { compareEventKeys, consecutiveVersionDiffs, diffArtifacts, diffVersions, DiffError, selectVersions } from './diff.ts';
export { loadArtifacts, loadVersionFolder, LoadError } from './load.ts';
export { GITHUB_BODY_LIMIT, renderJson, renderMarkdown } from './markdown.ts';
export { escapeMd } from './md.ts';
export { REVIEW_LIMITS, UNLIMITED, type Limits, type RenderOptions } from './view.ts';
export type * from './types.ts';
