/**
 * Types for the site's JavaScript (checked by site/tsconfig.json): the parts of Eleventy's
 * configuration API and of markdown-it that it uses (neither ships declarations tsc reads without
 * parsing their sources), and Pagefind's default UI, a global of /pagefind/pagefind-ui.js.
 * A global script (no import or export), so the JSDoc in site/ names these as `Site.X`.
 */
declare namespace Site {
  interface EleventyConfig {
    directories: { input: string; output: string; includes: string; data: string };
    setUseGitIgnore(use: boolean): void;
    setFrontMatterParsingOptions(options: { engines: Record<string, (text: string) => unknown> }): void;
    addPlugin(plugin: (config: EleventyConfig) => void): void;
    addFilter(name: string, filter: (...args: never[]) => unknown): void;
    /** Source path (file, folder or glob) → output path. */
    addPassthroughCopy(copy: Record<string, string>): void;
    addWatchTarget(target: string): void;
    amendLibrary(name: 'md', amend: (md: MarkdownIt) => void): void;
    on(event: 'eleventy.before', listener: () => Promise<void> | void): void;
    on(event: 'eleventy.after', listener: (e: { directories: { output: string }; runMode: 'build' | 'watch' | 'serve' }) => Promise<void> | void): void;
  }

  /** A markdown-it token (only the fields the site reads or writes). */
  interface Token {
    type: string;
    content: string;
    meta: Record<string, unknown> | null;
  }

  type RenderRule = (tokens: Token[], idx: number, options: unknown, env: unknown, self: Renderer) => string;

  interface Renderer {
    rules: Record<string, RenderRule | undefined>;
    renderToken(tokens: Token[], idx: number, options: unknown): string;
  }

  interface MarkdownIt {
    core: { ruler: { push(name: string, rule: (state: { tokens: Token[] }) => void): void } };
    renderer: Renderer;
    utils: { escapeHtml(text: string): string };
  }

  /** One version in `_generated/site.yaml` (scripts/pages/site.ts writes it). */
  interface SiteVersion {
    version: string;
    home: string;
    isLatest: boolean;
  }

  /** `_generated/site.yaml`. */
  interface SiteMeta {
    versions: SiteVersion[];
    latest: string;
    dataDir: string;
  }
}

/** Pagefind's default UI (https://pagefind.app/docs/ui/). */
declare class PagefindUI {
  constructor(options: { element: string; baseUrl?: string; bundlePath?: string; showSubResults?: boolean; showImages?: boolean; resetStyles?: boolean; autofocus?: boolean });
  triggerSearch(query: string): void;
}
