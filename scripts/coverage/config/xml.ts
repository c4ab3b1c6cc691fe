/**
 * A small, strict XML reader for configuration files (Sysmon configurations): elements,
 * attributes, text, comments, CDATA sections and processing instructions, the five predefined
 * entities and numeric character references.
 *
 * Deliberately without document type support: a `<!DOCTYPE` or `<!ENTITY` declaration is refused
 * with an error, so no entity can be defined, expanded recursively ("billion laughs") or fetched
 * from outside (XXE). Any other `&name;` is an error too.
 *
 * Pure module: no I/O, no node: imports, no dependencies (runs in browsers).
 */
import { CoverageError } from '../types.ts';

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** Character data directly inside the element (text and CDATA), concatenated. */
  text: string;
  /** 1-based line of the start tag. */
  line: number;
}

/** Thrown for input that is not well-formed XML or that declares a DTD or entities. */
export class XmlError extends CoverageError {}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;

/** Refuses document type declarations and entity declarations anywhere (even in comments-like positions). */
export function assertNoDtd(text: string, file = 'the XML'): void {
  const m = /<!\s*(DOCTYPE|ENTITY)\b/i.exec(text);
  if (m) {
    const line = text.slice(0, m.index).split('\n').length;
    const what = (m[1] ?? '').toUpperCase();
    throw new XmlError(
      `${file} line ${line}: <!${what}> is not accepted: document type and entity declarations are refused (they can read local files or expand without bound); remove the declaration`,
    );
  }
}

/** Parses one XML document and returns its root element. Throws XmlError with a line number. */
export function parseXml(input: string, file = 'the XML'): XmlElement {
  const text = input.replace(/^\uFEFF/, '');
  assertNoDtd(text, file);
  let pos = 0;
  const lineAt = (i: number): number => {
    let n = 1;
    for (let j = 0; j < i && j < text.length; j++) if (text.charCodeAt(j) === 10) n++;
    return n;
  };
  const fail = (msg: string, at = pos): never => {
    throw new XmlError(`${file} line ${lineAt(at)}: not well-formed XML: ${msg}`);
  };
  const decode = (raw: string, at: number): string =>
    raw.replace(/&([^;&<\s]*);?/g, (whole, ref: string) => {
      if (!whole.endsWith(';')) fail(`"&" must start an entity reference like &amp;`, at);
      if (ref.startsWith('#')) {
        const code = /^#x[0-9a-f]+$/i.test(ref) ? parseInt(ref.slice(2), 16) : /^#[0-9]+$/.test(ref) ? parseInt(ref.slice(1), 10) : NaN;
        if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff) fail(`bad character reference &${ref};`, at);
        return String.fromCodePoint(code);
      }
      const v = PREDEFINED[ref];
      if (v === undefined) fail(`undefined entity &${ref}; (only &lt; &gt; &amp; &quot; &apos; and character references are accepted)`, at);
      return v ?? '';
    });
  const readName = (): string => {
    NAME.lastIndex = pos;
    const m = NAME.exec(text);
    if (!m) fail('expected a name');
    pos = NAME.lastIndex;
    return m?.[0] ?? '';
  };
  const skipSpace = (): void => {
    while (pos < text.length && /\s/.test(text[pos] ?? '')) pos++;
  };
  /** Skips comments, processing instructions and whitespace (outside the root element). */
  const skipMisc = (): void => {
    for (;;) {
      skipSpace();
      if (text.startsWith('<!--', pos)) {
        const end = text.indexOf('-->', pos + 4);
        if (end < 0) fail('unterminated comment');
        pos = end + 3;
      } else if (text.startsWith('<?', pos)) {
        const end = text.indexOf('?>', pos + 2);
        if (end < 0) fail('unterminated processing instruction');
        pos = end + 2;
      } else return;
    }
  };

  const readElement = (): XmlElement => {
    const start = pos;
    if (text[pos] !== '<') fail('expected "<"');
    pos++;
    const name = readName();
    const el: XmlElement = { name, attributes: {}, children: [], text: '', line: lineAt(start) };
    for (;;) {
      const before = pos;
      skipSpace();
      if (text.startsWith('/>', pos)) {
        pos += 2;
        return el;
      }
      if (text[pos] === '>') {
        pos++;
        break;
      }
      if (pos === before) fail(`expected whitespace, ">" or "/>" in <${name}>`);
      const attr = readName();
      skipSpace();
      if (text[pos] !== '=') fail(`attribute ${attr} of <${name}> has no value`);
      pos++;
      skipSpace();
      const quote = text[pos];
      if (quote !== '"' && quote !== "'") fail(`the value of attribute ${attr} must be quoted`);
      const end = text.indexOf(quote ?? '"', pos + 1);
      if (end < 0) fail(`unterminated value of attribute ${attr}`);
      const raw = text.slice(pos + 1, end);
      if (raw.includes('<')) fail(`"<" in the value of attribute ${attr}`);
      if (Object.hasOwn(el.attributes, attr)) fail(`attribute ${attr} appears twice in <${name}>`);
      el.attributes[attr] = decode(raw, pos).replace(/[\t\n\r]/g, ' ');
      pos = end + 1;
    }
    // Content.
    for (;;) {
      if (pos >= text.length) fail(`<${name}> (line ${el.line}) is not closed`);
      if (text.startsWith('</', pos)) {
        pos += 2;
        const close = readName();
        if (close !== name) fail(`</${close}> closes <${name}> (line ${el.line})`);
        skipSpace();
        if (text[pos] !== '>') fail(`expected ">" after </${close}`);
        pos++;
        return el;
      }
      if (text.startsWith('<!--', pos)) {
        const end = text.indexOf('-->', pos + 4);
        if (end < 0) fail('unterminated comment');
        pos = end + 3;
      } else if (text.startsWith('<![CDATA[', pos)) {
        const end = text.indexOf(']]>', pos + 9);
        if (end < 0) fail('unterminated CDATA section');
        el.text += text.slice(pos + 9, end);
        pos = end + 3;
      } else if (text.startsWith('<?', pos)) {
        const end = text.indexOf('?>', pos + 2);
        if (end < 0) fail('unterminated processing instruction');
        pos = end + 2;
      } else if (text.startsWith('<!', pos)) {
        fail('unexpected markup declaration');
      } else if (text[pos] === '<') {
        el.children.push(readElement());
      } else {
        const next = text.indexOf('<', pos);
        const end = next < 0 ? text.length : next;
        el.text += decode(text.slice(pos, end), pos);
        pos = end;
      }
    }
  };

  skipMisc();
  if (pos >= text.length) fail('the document is empty');
  if (text[pos] !== '<') fail('text before the root element');
  const root = readElement();
  skipMisc();
  if (pos < text.length) fail(text[pos] === '<' ? 'more than one root element' : 'text after the root element');
  return root;
}
