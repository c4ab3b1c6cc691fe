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
    addPlugin(plugin: (config: EleventyConfig) => void): void;
    addFilter(name: string, filter: (...args: never[]) => unknown): void;
    /** Source path (file, folder or glob) → output path. */
    addPassthroughCopy(copy: Record<string, string>): void;
    addWatchTarget(target: string): void;
    amendLibrary(name: 'md', amend: (md: MarkdownIt) => void): void;
    on(event: 'eleventy.before', listener: (e: { directories: { output: string } }) => Promise<void> | void): void;
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

  /** A compiled Nunjucks template (the parts render-pages.js uses). */
  interface NunjucksTemplate {
    render(context: Record<string, unknown>): string;
  }

  interface NunjucksEnvironment {
    addFilter(name: string, filter: (...args: never[]) => unknown): void;
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

/** Nunjucks (Eleventy's template engine; render-pages.js renders the generated pages with it). */
declare module 'nunjucks' {
  class FileSystemLoader {
    constructor(searchPaths: string | string[]);
  }
  class Environment implements Site.NunjucksEnvironment {
    constructor(loader: FileSystemLoader, options: { autoescape: boolean });
    addFilter(name: string, filter: (...args: never[]) => unknown): void;
  }
  class Template implements Site.NunjucksTemplate {
    /** `eagerCompile`: compile now, so a syntax error names the layout before any page is rendered. */
    constructor(source: string, env: Environment, path: string, eagerCompile: boolean);
    render(context: Record<string, unknown>): string;
  }
  const nunjucks: { FileSystemLoader: typeof FileSystemLoader; Environment: typeof Environment; Template: typeof Template };
  export default nunjucks;
}

/** markdown-it (Eleventy's Markdown library). */
declare module 'markdown-it' {
  export default function markdownIt(options: { html: boolean }): Site.MarkdownIt & { render(source: string): string };
}
