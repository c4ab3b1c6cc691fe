/** The change report between two artifact folders: load → diff → render (Markdown or JSON). */
export { compareEventKeys, consecutiveVersionDiffs, diffArtifacts, diffVersions, DiffError, selectVersions } from './diff.ts';
export { loadArtifacts, loadVersionFolder, LoadError } from './load.ts';
export { escapeMd, GITHUB_BODY_LIMIT, renderJson, renderMarkdown, renderVersionChanges, REVIEW_LIMITS, UNLIMITED, type Limits, type RenderOptions } from './markdown.ts';
export type * from './types.ts';
