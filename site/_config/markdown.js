/**
 * markdown-it additions, as an Eleventy plugin: a Markdown table preceded by
 * `<!-- caption:URI-encoded text -->` (the "what changed" pages, scripts/pages/changes.ts) gets that
 * text as its <caption> and is wrapped in a scrolling `.table-wrap`, like the site's other tables.
 * The marker comment itself is dropped from the output.
 */
const MARKER = /^<!-- caption:([^\s]*) -->\s*$/;

/**
 * @param {Site.Token | undefined} token
 * @returns {string | null}
 */
function captionOf(token) {
  if (!token || token.type !== 'html_block') return null;
  const m = MARKER.exec(token.content);
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return null;
  }
}

/**
 * Adds the captions to a markdown-it instance (Eleventy's, and the generated pages' renderer's).
 * @param {Site.MarkdownIt} md
 */
export function tableCaptions(md) {
  md.core.ruler.push('table_captions', (state) => {
    const tokens = state.tokens;
    for (let i = 1; i < tokens.length; i++) {
      if (tokens[i].type !== 'table_open') continue;
      const caption = captionOf(tokens[i - 1]);
      if (caption === null) continue;
      tokens[i - 1].content = '';
      tokens[i].meta = { ...(tokens[i].meta ?? {}), caption };
      for (let j = i + 1; j < tokens.length; j++) {
        if (tokens[j].type === 'table_close') {
          tokens[j].meta = { ...(tokens[j].meta ?? {}), wrapped: true };
          break;
        }
      }
    }
  });
  /** @type {Site.RenderRule} */
  const render = (tokens, idx, options, env, self) => self.renderToken(tokens, idx, options);
  const open = md.renderer.rules.table_open ?? render;
  const close = md.renderer.rules.table_close ?? render;
  md.renderer.rules.table_open = (tokens, idx, options, env, self) => {
    const caption = tokens[idx].meta?.caption;
    const html = open(tokens, idx, options, env, self);
    return typeof caption === 'string' ? `<div class="table-wrap">\n${html}<caption>${md.utils.escapeHtml(caption)}</caption>\n` : html;
  };
  md.renderer.rules.table_close = (tokens, idx, options, env, self) => {
    const html = close(tokens, idx, options, env, self);
    return tokens[idx].meta?.wrapped ? `${html}</div>\n` : html;
  };
}

/** @param {Site.EleventyConfig} eleventyConfig */
export default function markdown(eleventyConfig) {
  eleventyConfig.amendLibrary('md', tableCaptions);
}
