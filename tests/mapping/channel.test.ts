import { describe, expect, it } from 'vitest';
import { parseChannel } from '../../scripts/mapping/channel.ts';

describe('parseChannel: every channel form of ATT&CK 18.0 and 18.1', () => {
  const cases: Array<[string, string[], string[]]> = [
    ['EventCode=4688', ['4688'], []],
    ['EventCode=15 ', ['15'], []],
    ['EventCode=4103, 4104', ['4103', '4104'], []],
    ['EventCode=4103,4104', ['4103', '4104'], []],
    ['EventCode=4624,4648, 4672', ['4624', '4648', '4672'], []],
    ['EventCode=4778, EventCode=4779', ['4778', '4779'], []],
    ['EventCode=4624 (LogonType=3)', ['4624'], ['LogonType=3']],
    ['EventCode=4624 (LogonType=10 or 3), EventCode=4648', ['4624', '4648'], ['LogonType=10 or 3']],
    ['EventCode=4624 with LogonType=9 or smartcard logon', ['4624'], ['LogonType=9 or smartcard logon']],
    ['EventCode=5005 (WLAN), EventCode=302 (Bluetooth)', ['302', '5005'], ['WLAN', 'Bluetooth']],
    ['EvenCode=2', ['2'], []],
    ['EventID=31001', ['31001'], []],
    ['EventID 5136', ['5136'], []],
    ['Event ID 1', ['1'], []],
    ['4688, 4104', ['4104', '4688'], []],
    ['13', ['13'], []],
    ['81,3033', ['81', '3033'], []],
    ['20001-20003', ['20001', '20002', '20003'], []],
    ['EventCode=1000-1002', ['1000', '1001', '1002'], []],
    ['EventCode=20001/20003', ['20001', '20003'], []],
    ['System shutdowns due to bugcheck (Event ID 1001) or watchdog timer expirations', ['1001'], []],
  ];
  it.each(cases)('%s', (channel, ids, notes) => {
    const parsed = parseChannel(channel);
    expect(parsed.ids).toEqual(ids);
    expect(parsed.notes).toEqual(notes);
    expect(parsed.freeText).toBe(false);
  });

  it('keeps a whole range of 27 IDs (EventCode=1000-1026)', () => {
    expect(parseChannel('EventCode=1000-1026').ids).toHaveLength(27);
  });

  it.each([
    'Raw write attempts targeting \\\\.\\PhysicalDrive0 or sector 0 (MBR/partition table)',
    'Kernel-PnP 410/400 device install, disk added',
    'WMI Object Creation Events',
    'CommandLine=copy-item or robocopy from UNC path',
    '',
  ])('free text gives no event: %s', (channel) => {
    const parsed = parseChannel(channel);
    expect(parsed.ids).toEqual([]);
    expect(parsed.freeText).toBe(true);
  });
});
