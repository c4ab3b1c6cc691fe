/**
 * A small, strict XML reader for configuration files (Sysmon configurations): elements,
 * attributes, text, comments, CDATA sections and processing instructions, the five predefined
 * entities and numeric character references.
 *
 * Deliberately without document type support: a `<!DOCTYPE` or `<!ENTITY` declaration is refused
 * with an error, so no entity can be defined, expanded recursively ("billion laughs") or fetched
 * from outside (XXE). Any other `&name;` is an error too. The reader is iterative, and elements
 * nested deeper than MAX_XML_DEPTH are refused, so no input can exhaust the call stack.
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

/** Thrown for input that is not well-formed XML, declares a DTD or entities, or nests too deep. */
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

/** Elements nested deeper than this are refused (a Sysmon configuration needs about six levels). */
export const MAX_XML_DEPTH = 256;

export interface XmlOptions {
  /** Deepest element nesting accepted (the root is depth 1); default MAX_XML_DEPTH. */
  maxDepth?: number;
}

/**
 * Parses one XML document and returns its root element. Throws XmlError with a line number.
 * Iterative (an explicit stack of open elements, no recursion), so no input can overflow the call
 * stack; nesting deeper than `maxDepth` is refused with an XmlError all the same, so that callers
 * walking the tree recursively stay safe.
 */
export function parseXml(input: string, file = 'the XML', options: XmlOptions = {}): XmlElement {
  const maxDepth = options.maxDepth ?? MAX_XML_DEPTH;
  const text = input.replace(/^\uFEFF/, '');
  assertNoDtd(text, file);
  let pos = 0;
  // Line numbers are counted incrementally: positions asked for only grow while reading.
  let lineCursor = 0;
  let lineCount = 1;
  const lineAt = (i: number): number => {
    if (i < lineCursor) {
      lineCursor = 0;
      lineCount = 1;
    }
    const end = Math.min(i, text.length);
    while (lineCursor < end) {
      const nl = text.indexOf('\n', lineCursor);
      if (nl < 0 || nl >= end) {
        lineCursor = end;
        break;
      }
      lineCount++;
      lineCursor = nl + 1;
    }
    return lineCount;
  };
  const fail = (msg: string, at = pos): never => {
    throw new XmlError(`${file} line ${lineAt(at)}: not well-formed XML: ${msg}`);
  };
  const decode = (raw: string, at: number): string =>
    raw.includes('&')
      ? raw.replace(/&([^;&<\s]*);?/g, (whole, ref: string) => {
          if (!whole.endsWith(';')) fail(`"&" must start an entity reference like &amp;`, at);
          if (ref.startsWith('#')) {
            const code = /^#x[0-9a-f]+$/i.test(ref) ? parseInt(ref.slice(2), 16) : /^#[0-9]+$/.test(ref) ? parseInt(ref.slice(1), 10) : NaN;
            if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff) fail(`bad character reference &${ref};`, at);
            return String.fromCodePoint(code);
          }
          const v = PREDEFINED[ref];
          if (v === undefined) fail(`undefined entity &${ref}; (only &lt; &gt; &amp; &quot; &apos; and character references are accepted)`, at);
          return v ?? '';
        })
      : raw;
  const readName = (): string => {
    NAME.lastIndex = pos;
    const m = NAME.exec(text);
    if (!m) fail('expected a name');
    pos = NAME.lastIndex;
    return m?.[0] ?? '';
  };
  const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || /\s/.test(String.fromCharCode(c));
  const skipSpace = (): void => {
    while (pos < text.length && isSpace(text.charCodeAt(pos))) pos++;
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

  /** Reads a start tag (or an empty-element tag) at `pos`, `depth` being the new element's depth. */
  const readStartTag = (depth: number): { el: XmlElement; empty: boolean } => {
    const start = pos;
    if (text[pos] !== '<') fail('expected "<"');
    pos++;
    const name = readName();
    const el: XmlElement = { name, attributes: {}, children: [], text: '', line: lineAt(start) };
    if (depth > maxDepth) {
      throw new XmlError(
        `${file} line ${el.line}: <${name}> is nested ${depth} elements deep, more than the ${maxDepth} accepted; the document was not read (a Sysmon configuration needs a handful of levels)`,
      );
    }
    for (;;) {
      const before = pos;
      skipSpace();
      if (text.startsWith('/>', pos)) {
        pos += 2;
        return { el, empty: true };
      }
      if (text[pos] === '>') {
        pos++;
        return { el, empty: false };
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
  };

  /** Reads the root element and everything in it, keeping the open elements on a stack. */
  const readRoot = (): XmlElement => {
    const first = readStartTag(1);
    if (first.empty) return first.el;
    const open: XmlElement[] = [first.el];
    for (;;) {
      const el = open[open.length - 1] as XmlElement;
      if (pos >= text.length) fail(`<${el.name}> (line ${el.line}) is not closed`);
      if (text.startsWith('</', pos)) {
        pos += 2;
        const close = readName();
        if (close !== el.name) fail(`</${close}> closes <${el.name}> (line ${el.line})`);
        skipSpace();
        if (text[pos] !== '>') fail(`expected ">" after </${close}`);
        pos++;
        open.pop();
        if (open.length === 0) return el;
      } else if (text.startsWith('<!--', pos)) {
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
        const child = readStartTag(open.length + 1);
        el.children.push(child.el);
        if (!child.empty) open.push(child.el);
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
  const root = readRoot();
  skipMisc();
  if (pos < text.length) fail(text[pos] === '<' ? 'more than one root element' : 'text after the root element');
  return root;
}
