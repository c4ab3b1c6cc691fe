import { describe, expect, it } from 'vitest';
import {
  closeEvents,
  CoverageError,
  editDistance,
  eventCatalog,
  parseEventsArg,
  parseEventsFile,
  resolveEventList,
  resolveLogName,
} from '../../scripts/coverage/index.ts';
import { FIXTURE } from './fixture.ts';

const catalog = eventCatalog(FIXTURE);

function errorOf(fn: () => unknown): CoverageError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CoverageError) return e;
    throw e;
  }
  throw new Error('expected a CoverageError');
}

describe('parsing event lists', () => {
  it('splits a command-line value on commas and trims', () => {
    expect(parseEventsArg(' Security:4688, Sysmon:1 ,,Directory Service:5136')).toEqual([
      { text: 'Security:4688' },
      { text: 'Sysmon:1' },
      { text: 'Directory Service:5136' },
    ]);
  });

  it('reads a file: one per line, # comments, blank lines, CRLF, BOM; keeps line numbers', () => {
    const body = '\uFEFF# my SIEM\r\nSecurity:4688   # process creation\r\n\r\n  sysmon:1, Sysmon:10\r\n#Sysmon:3\r\n';
    expect(parseEventsFile(body, 'ev.txt')).toEqual([
      { text: 'Security:4688', line: 2, file: 'ev.txt' },
      { text: 'sysmon:1', line: 4, file: 'ev.txt' },
      { text: 'Sysmon:10', line: 4, file: 'ev.txt' },
    ]);
    expect(parseEventsFile('# only comments\n\n   \n')).toEqual([]);
  });
});

describe('resolving logs', () => {
  it.each([
    ['Security', 'Security'],
    ['security', 'Security'],
    ['WinEventLog:Security', 'Security'],
    ['Microsoft-Windows-Security-Auditing', 'Security'],
    ['sec', 'Security'],
    ['SYSMON', 'Sysmon'],
    ['Microsoft-Windows-Sysmon/Operational', 'Sysmon'],
    ['WinEventLog:Microsoft-Windows-Sysmon/Operational', 'Sysmon'],
    ['ps', 'PowerShell'],
    ['Windows PowerShell', 'PowerShell'],
    ['task scheduler', 'TaskScheduler'],
    ['Microsoft-Windows-TaskScheduler/Operational', 'TaskScheduler'],
  ])('%s → %s', (typed, log) => {
    expect(resolveLogName(typed, catalog)).toEqual({ ok: true, log });
  });

  it('suggests close log names for a typo, and no unrelated log', () => {
    const r = resolveLogName('Sysmonn', catalog);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toBe('unknown log "Sysmonn"; close: Sysmon');
    const t = resolveLogName('Powershel', catalog);
    expect(t.ok === false && t.problem).toBe('unknown log "Powershel"; close: PowerShell');
  });

  it('lists the logs with events when nothing is close', () => {
    const r = resolveLogName('zzz', catalog);
    expect(r.ok === false && r.problem).toBe('unknown log "zzz"; logs with events in ATT&CK 42.1: PowerShell, Security, Sysmon, System, TaskScheduler');
  });

  it('says so when a known log has no events in this version', () => {
    const r = resolveLogName('WinEventLog:Windows Defender', catalog);
    expect(r.ok === false && r.problem).toMatch(/^log Defender \("WinEventLog:Windows Defender"\) has no mapped events in ATT&CK 42\.1; logs with events: PowerShell, /);
  });
});

describe('resolving event lists', () => {
  it('keeps the same ID in different logs apart', () => {
    expect(resolveEventList(parseEventsArg('Security:1'), FIXTURE)).toEqual(['Security:1']);
    expect(resolveEventList(parseEventsArg('sysmon:1'), FIXTURE)).toEqual(['Sysmon:1']);
    expect(resolveEventList(parseEventsArg('Sysmon:1,Security:1,ps:4104,sec:4104'), FIXTURE)).toEqual(['PowerShell:4104', 'Security:1', 'Security:4104', 'Sysmon:1']);
  });

  it('dedupes, normalises leading zeros and orders by log then numeric ID', () => {
    expect(resolveEventList(parseEventsArg('Sysmon:19,Sysmon:10,sysmon:010,Sysmon:9,Sysmon:09'), catalog)).toEqual(['Sysmon:9', 'Sysmon:10', 'Sysmon:19']);
  });

  it('unknown event: names the version and lists close events', () => {
    const e = errorOf(() => resolveEventList(parseEventsArg('Sysmon:99'), FIXTURE));
    expect(e.message).toBe('no event Sysmon:99 in ATT&CK 42.1; close: Sysmon:19, Sysmon:9');
    expect(closeEvents('Sysmon', '99', catalog)).toEqual({ keys: ['Sysmon:19', 'Sysmon:9'], more: false });
  });

  it('unknown event: the same ID in another log is offered', () => {
    expect(errorOf(() => resolveEventList(parseEventsArg('System:4688'), FIXTURE)).message).toBe('no event System:4688 in ATT&CK 42.1; close: Security:4688');
  });

  it('unknown event with nothing close: lists the log’s events', () => {
    expect(errorOf(() => resolveEventList(parseEventsArg('TaskScheduler:7'), FIXTURE)).message).toBe('no event TaskScheduler:7 in ATT&CK 42.1; TaskScheduler events in ATT&CK 42.1: 106');
  });

  it('unknown log: suggests the log', () => {
    expect(errorOf(() => resolveEventList(parseEventsArg('Sysmonn:1'), FIXTURE)).message).toBe('"Sysmonn:1": unknown log "Sysmonn"; close: Sysmon');
  });

  it('an empty list is an error, not a zero report', () => {
    expect(errorOf(() => resolveEventList(parseEventsArg(' , '), FIXTURE)).message).toMatch(/^the events list is empty/);
    expect(errorOf(() => resolveEventList(parseEventsFile('# nothing\n\n'), FIXTURE)).message).toMatch(/^the events list is empty/);
  });

  it('malformed lines: every problem, with its line number', () => {
    const body = 'Security:4688\nfoo bar\n# fine\nSysmon:x\n4104\nSysmon\n:12\nSecurity:\n';
    const e = errorOf(() => resolveEventList(parseEventsFile(body), FIXTURE));
    expect(e.problems).toEqual([
      'line 2: "foo bar" is not LOG:ID (e.g. Security:4688, Sysmon:1)',
      'line 4: "Sysmon:x": event ID "x" is not a number; write LOG:ID (e.g. Security:4688)',
      'line 5: "4104" has no log; write LOG:ID — did you mean PowerShell:4104, Security:4104?',
      'line 6: "Sysmon" is not LOG:ID (e.g. Security:4688, Sysmon:1)',
      'line 7: ":12" has no log; write LOG:ID (e.g. Security:4688)',
      'line 8: "Security:" has no event ID; write LOG:ID (e.g. Security:4688)',
    ]);
    expect(e.message.split('\n')[0]).toBe('6 problems in the events list:');
  });

  it('file problems name the file when it is known', () => {
    expect(errorOf(() => resolveEventList(parseEventsFile('Sysmon:1\nSysmon:99\n', 'events.txt'), FIXTURE)).message).toBe(
      'events.txt line 2: no event Sysmon:99 in ATT&CK 42.1; close: Sysmon:19, Sysmon:9',
    );
  });
});

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('99', '9')).toBe(1);
    expect(editDistance('99', '19')).toBe(1);
    expect(editDistance('4688', '4648')).toBe(1);
    expect(editDistance('sysmonn', 'sysmon')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
