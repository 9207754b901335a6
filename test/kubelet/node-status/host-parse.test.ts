/**
 * The host parsers, on fixture text as the kernel and os-release write it.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import {
  goArch, parseDefaultRouteInterface, parseIdFile, parseLoadavgProcesses, parseMemInfo, parseOsRelease, pickInternalIP,
} from '../../../src/kubelet/node-status/host-parse.js';
import { readHostInfo } from '../../../src/kubelet/node-status/host-info.js';
import { readHostUsage } from '../../../src/kubelet/node-status/host-usage.js';
import { formatBinary, formatMilliCPU, parseReservation } from '../../../src/kubelet/node-status/quantities.js';
import { DEFAULT_EVICTION_HARD, parseEvictionThresholds, thresholdAmount } from '../../../src/kubelet/node-status/eviction-thresholds.js';

const MEMINFO = `MemTotal:       16318412 kB
MemFree:         1183912 kB
MemAvailable:    9876544 kB
Buffers:          371196 kB
HugePages_Total:       0
Hugepagesize:       2048 kB
`;

const ROUTE = `Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
wlan0\t00000000\t0100A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0
eth0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0
eth0\t0001A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0
`;

function addr(address: string, family: 'IPv4' | 'IPv6' = 'IPv4', internal = false): NetworkInterfaceInfo {
  return family === 'IPv4'
    ? { address, family, internal, netmask: '255.255.255.0', mac: '00:00:00:00:00:00', cidr: `${address}/24` }
    : { address, family, internal, netmask: 'ffff:ffff:ffff:ffff::', mac: '00:00:00:00:00:00', cidr: `${address}/64`, scopeid: 0 };
}

describe('host parsing', () => {
  test('meminfo: kB fields become bytes, counts stay counts', () => {
    const m = parseMemInfo(MEMINFO);
    assert.equal(m['MemTotal'], 16318412 * 1024);
    assert.equal(m['MemAvailable'], 9876544 * 1024);
    assert.equal(m['HugePages_Total'], 0);
    assert.equal(m['Hugepagesize'], 2048 * 1024);
  });

  test('os-release: PRETTY_NAME, quoted or not, with escapes; Linux when absent', () => {
    assert.equal(parseOsRelease('NAME="Debian GNU/Linux"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n'), 'Debian GNU/Linux 12 (bookworm)');
    assert.equal(parseOsRelease("PRETTY_NAME='Ubuntu 24.04.1 LTS'\n"), 'Ubuntu 24.04.1 LTS');
    assert.equal(parseOsRelease('PRETTY_NAME=Alpine\n'), 'Alpine');
    assert.equal(parseOsRelease('PRETTY_NAME="say \\"hi\\""\n'), 'say "hi"');
    assert.equal(parseOsRelease('ID=scratch\n'), 'Linux');
  });

  test("architecture in GOARCH's words", () => {
    assert.equal(goArch('x64'), 'amd64');
    assert.equal(goArch('arm64'), 'arm64');
    assert.equal(goArch('ia32'), '386');
    assert.equal(goArch('ppc64', 'LE'), 'ppc64le');
    assert.equal(goArch('s390x', 'BE'), 's390x');
    assert.equal(goArch('riscv64'), 'riscv64');
  });

  test('default route: the lowest-metric 0.0.0.0/0 entry', () => {
    assert.equal(parseDefaultRouteInterface(ROUTE), 'eth0');
    assert.equal(parseDefaultRouteInterface(ROUTE.split('\n').slice(0, 2).join('\n')), undefined);
  });

  test('InternalIP: first usable IPv4 of the default-route interface, else of any', () => {
    const ifaces = {
      lo: [addr('127.0.0.1', 'IPv4', true)],
      docker0: [addr('172.17.0.1')],
      eth0: [addr('fe80::1', 'IPv6'), addr('169.254.3.3'), addr('192.168.1.20'), addr('192.168.1.21')],
    };
    assert.equal(pickInternalIP(ifaces, 'eth0'), '192.168.1.20');
    assert.equal(pickInternalIP(ifaces, 'wlan9'), '172.17.0.1');
    assert.equal(pickInternalIP({ lo: [addr('127.0.0.1', 'IPv4', true)] }), undefined);
  });

  test('loadavg: total tasks; id files: first line', () => {
    assert.equal(parseLoadavgProcesses('0.52 0.58 0.59 3/1234 56789\n'), 1234);
    assert.equal(parseLoadavgProcesses('garbage'), undefined);
    assert.equal(parseIdFile('0123456789abcdef0123456789abcdef\n'), '0123456789abcdef0123456789abcdef');
  });

  test('quantities: binary capacity, millicores, reservations', () => {
    assert.equal(formatBinary(16318412 * 1024), '16318412Ki');
    assert.equal(formatBinary(2 ** 30), '1Gi');
    assert.equal(formatBinary(1000), '1000');
    assert.equal(formatBinary(-5), '0');
    assert.equal(formatMilliCPU(4000), '4');
    assert.equal(formatMilliCPU(3500), '3500m');
    assert.deepEqual(parseReservation('cpu=500m, memory=1Gi,ephemeral-storage=1G'), { cpu: 500, memory: 2 ** 30, 'ephemeral-storage': 1e9 });
    assert.throws(() => parseReservation('cpu'), /invalid reservation "cpu"/);
  });

  test("eviction thresholds: upstream's default, quantities and percentages", () => {
    const t = parseEvictionThresholds(DEFAULT_EVICTION_HARD);
    assert.deepEqual(t['memory.available'], { quantity: 100 * 2 ** 20 });
    assert.deepEqual(t['nodefs.available'], { percentage: 0.1 });
    assert.equal(thresholdAmount(t['nodefs.available']!, 1000), 100);
    assert.throws(() => parseEvictionThresholds('memory.free<1Gi'), /invalid eviction threshold "memory.free<1Gi"/);
    assert.throws(() => parseEvictionThresholds('nodefs.available<120%'), /percentage/);
  });

  test('this host reads (linux)', { skip: process.platform !== 'linux' ? 'reads /proc' : false }, async () => {
    const h = await readHostInfo({ rootDir: '/tmp' });
    assert.ok(h.cpus >= 1 && h.memoryBytes > 0 && h.ephemeralStorageBytes > 0);
    assert.ok(h.kernelVersion.length > 0 && h.osImage.length > 0 && h.hostname.length > 0);
    assert.equal(h.operatingSystem, 'linux');
    const explicit = await readHostInfo({ rootDir: '/tmp', nodeIP: '10.9.8.7' });
    assert.equal(explicit.internalIP, '10.9.8.7');
    const u = await readHostUsage({ rootDir: '/tmp' });
    assert.ok(u.memoryAvailableBytes > 0 && u.memoryCapacityBytes >= u.memoryAvailableBytes);
    assert.ok(u.maxPID > 0 && u.processes > 0 && u.processes < u.maxPID);
    assert.ok(u.nodeFs.capacityBytes >= u.nodeFs.availableBytes);
  });
});

describe('node status flags', () => {
  test('--register-with-taints and --node-labels', async () => {
    const { parseTaints, parseLabels } = await import('../../../src/kubelet/node-status/node-status-flags.js');
    assert.deepEqual(parseTaints('a=b:NoSchedule, c:NoExecute'), [{ key: 'a', value: 'b', effect: 'NoSchedule' }, { key: 'c', effect: 'NoExecute' }]);
    assert.throws(() => parseTaints('a=b'), /invalid taint "a=b"/);
    assert.deepEqual(parseLabels('team=a,empty='), { team: 'a', empty: '' });
    assert.throws(() => parseLabels('=x'), /invalid label/);
  });
});
