/**
 * The site's search index (Pagefind), fed page by page while the generated pages render
 * (render-pages.js) instead of by a second pass over _site/ afterwards.
 *
 * Why: Pagefind's CLI reads and parses every HTML file of the site (8,300 files, 160 MB) to index
 * the 1,200 marked `data-pagefind-body`; even given only those, it had to find them first and read
 * them back from disk after the render. Through Pagefind's Node API each searchable page's HTML
 * goes to Pagefind's indexing process as soon as it is rendered (render-pages.js renders the files
 * holding searchable pages first, and feeds Pagefind from the main thread), so the indexing, and
 * then the writing of the index, run on the other core while the rest of the site renders. Each page keeps
 * the URL `pagefind --site` gives it (from its path under the output folder): the same pages, the
 * same fragments, byte for byte (tests/site/search-index.test.ts). Pages are added in the render's
 * order, which is fixed, so the index is the same bytes on every build.
 */
import { readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import * as pagefind from 'pagefind';

/** A failure the user acts on; render-pages.js reports it in one line. */
export class SearchIndexError extends Error {
  skipOriginalStack = true;
}

export class SearchIndex {
  /** @type {Awaited<ReturnType<typeof pagefind.createIndex>>['index'] & {}} */
  #index;
  /** @type {Array<Promise<void>>} */
  #pending = [];
  /** @type {string[]} */
  #errors = [];
  pages = 0;

  /** @param {Awaited<ReturnType<typeof pagefind.createIndex>>['index'] & {}} index */
  constructor(index) {
    this.#index = index;
  }

  /** Starts Pagefind's indexing process. */
  static async create() {
    const { index, errors } = await pagefind.createIndex({}).catch((/** @type {unknown} */ e) => ({ index: undefined, errors: [String(e)] }));
    if (!index || errors.length > 0) throw new SearchIndexError(`Pagefind could not start: ${errors.join('; ')}`);
    return new SearchIndex(index);
  }

  /**
   * Queues a rendered page. `relPath` is its file under the output folder (`techniques/T1003/index.html`),
   * from which Pagefind makes its URL as the CLI does.
   * @param {string} relPath
   * @param {string} html
   */
  add(relPath, html) {
    const sourcePath = relPath.split(path.sep).join('/');
    this.pages++;
    this.#pending.push(
      this.#index.addHTMLFile({ sourcePath, content: html }).then(
        (r) => {
          if (r.errors.length > 0) this.#errors.push(`${sourcePath}: ${r.errors.join('; ')}`);
        },
        (/** @type {unknown} */ e) => {
          this.#errors.push(`${sourcePath}: ${String(e)}`);
        },
      ),
    );
  }

  /**
   * Waits for every page, then writes the index into `outputPath` (`_site/pagefind`): beside it
   * first, then swapped in, so a failed write leaves the previous index and no stale files mix in.
   * @param {string} outputPath
   */
  async write(outputPath) {
    const dir = path.dirname(outputPath);
    const prefix = `${path.basename(outputPath)}.tmp-`;
    const temp = path.join(dir, `${prefix}${process.pid}`);
    try {
      await Promise.all(this.#pending);
      if (this.#errors.length > 0) throw new SearchIndexError(`Pagefind refused ${this.#errors.length} page(s): ${this.#errors.slice(0, 3).join(' | ')}`);
      // Leftovers of a killed build (pagefind.tmp-<pid>) would be published with the site.
      for (const name of await readdir(dir).catch(() => /** @type {string[]} */ ([]))) if (name.startsWith(prefix)) await rm(path.join(dir, name), { recursive: true, force: true });
      const { errors } = await this.#index.writeFiles({ outputPath: temp }).catch((/** @type {unknown} */ e) => ({ errors: [String(e)] }));
      if (errors.length > 0) throw new SearchIndexError(`Pagefind could not write the index into ${temp}: ${errors.join('; ')}`);
      await rm(outputPath, { recursive: true, force: true });
      await rename(temp, outputPath);
    } catch (e) {
      await rm(temp, { recursive: true, force: true });
      throw e;
    } finally {
      await this.close();
    }
  }

  /** Stops Pagefind's process (the index unwritten, unless `write` did it). */
  async close() {
    await pagefind.close();
  }
}
