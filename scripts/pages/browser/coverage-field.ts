/// <reference lib="dom" />
/**
 * One configuration input of the coverage page (audit policy, Sysmon configuration): a textarea, a
 * file picker for the same text, a Clear button and a message region saying what was read (or why
 * not). Reading is the CLI's parsers through ./coverage-config.ts; `onRead` is told after each read.
 */
import { type ConfigKind, decodeFileBytes, fileTooBig, type ReadResult } from './coverage-config.ts';
import { pluralGrouped as plural } from '../../lib/plural.ts';
import { $, el } from './coverage-dom.ts';

export interface ConfigField<T> {
  kind: ConfigKind;
  text: HTMLTextAreaElement;
  file: HTMLInputElement;
  clear: HTMLButtonElement;
  msg: HTMLElement;
  /**
   * The file last chosen: while the textarea still shows it unchanged (`shown`: the textarea turns
   * CRLF into LF), its exact text is read, under its name, as the CLI reads the file.
   */
  fromFile: { name: string; text: string; shown: string } | null;
  read: ReadResult<T> | null;
  reader: (text: string, source: string) => ReadResult<T> | null;
  /** How pasted text is named in messages. */
  pasted: string;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** The field of `kind` in the page's markup (`#cov-<kind>-text`, `-file`, `-clear`, `-msg`). */
export function makeField<T>(root: HTMLElement, kind: ConfigKind, reader: ConfigField<T>['reader'], pasted: string): ConfigField<T> {
  return {
    kind,
    text: $<HTMLTextAreaElement>(root, `#cov-${kind}-text`),
    file: $<HTMLInputElement>(root, `#cov-${kind}-file`),
    clear: $<HTMLButtonElement>(root, `#cov-${kind}-clear`),
    msg: $<HTMLElement>(root, `#cov-${kind}-msg`),
    fromFile: null,
    read: null,
    reader,
    pasted,
    timer: undefined,
  };
}

/** The value read, when the field holds a readable input. */
export const fieldValue = <T>(f: ConfigField<T>): T | null => (f.read?.ok ? f.read.value : null);

/** What was read from an input (or why not), next to it, in its live region. */
export function renderFieldMessage<T>(field: ConfigField<T>, source: string): void {
  const r = field.read;
  field.text.toggleAttribute('aria-invalid', r !== null && !r.ok);
  if (r === null) {
    field.msg.replaceChildren();
    field.msg.className = 'cov-msg';
    return;
  }
  if (!r.ok) {
    field.msg.className = 'cov-msg cov-msg-error';
    field.msg.replaceChildren(el('p', {}, el('strong', { text: 'Not read. ' }), r.headline), ...(r.detail ? [el('p', { className: 'small cov-detail', text: r.detail })] : []));
    return;
  }
  field.msg.className = `cov-msg cov-msg-ok${r.warnings.length > 0 ? ' cov-msg-warn' : ''}`;
  const parts: HTMLElement[] = [el('p', {}, el('strong', { text: `${source}: ` }), r.summary)];
  const MAX = 8;
  const list = (items: readonly string[], className: string): HTMLElement =>
    el('ul', { className }, ...items.slice(0, MAX).map((w) => el('li', { text: w })), ...(items.length > MAX ? [el('li', { text: `… and ${items.length - MAX} more` })] : []));
  if (r.warnings.length > 0) parts.push(el('p', { className: 'cov-warn-h', text: `${plural(r.warnings.length, 'warning')}:` }), list(r.warnings, 'cov-warnings small'));
  if (r.notes.length > 0) parts.push(list(r.notes, 'cov-notes small muted'));
  field.msg.replaceChildren(...parts);
}

/** Reads the field now (the chosen file while the textarea still shows it, else the text), shows the message, calls `onRead`. */
export function readField<T>(field: ConfigField<T>, onRead: () => void): void {
  clearTimeout(field.timer);
  field.timer = undefined;
  const file = field.fromFile && field.fromFile.shown === field.text.value ? field.fromFile : null;
  const source = file ? file.name : field.pasted;
  field.read = field.reader(file ? file.text : field.text.value, source);
  renderFieldMessage(field, source);
  onRead();
}

function fail<T>(field: ConfigField<T>, name: string, headline: string, detail: string, onRead: () => void): void {
  field.read = { ok: false, headline, detail };
  renderFieldMessage(field, name);
  onRead();
}

/** Typing reads after a pause; a chosen file is decoded as the CLI decodes it; Clear empties the field. */
export function setupField<T>(field: ConfigField<T>, onRead: () => void): void {
  field.text.addEventListener('input', () => {
    clearTimeout(field.timer);
    field.timer = setTimeout(() => readField(field, onRead), 250);
  });
  field.file.addEventListener('change', () => {
    const f = field.file.files?.[0];
    if (!f) return;
    const big = fileTooBig(f.name, f.size);
    if (big) return fail(field, f.name, big, '', onRead);
    void f.arrayBuffer().then(
      (buf) => {
        const text = decodeFileBytes(new Uint8Array(buf));
        field.text.value = text;
        field.fromFile = { name: f.name, text, shown: field.text.value };
        readField(field, onRead);
      },
      (e: unknown) => fail(field, f.name, `${f.name} could not be read by the browser.`, e instanceof Error ? e.message : String(e), onRead),
    );
  });
  field.clear.addEventListener('click', () => {
    field.text.value = '';
    field.file.value = '';
    field.fromFile = null;
    readField(field, onRead);
    field.text.focus();
  });
}
