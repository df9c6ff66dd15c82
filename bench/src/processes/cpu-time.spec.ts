import { createServer } from 'node:net';
import { cpuPerOrderUs, cpuSnapshot, cpuTimeMsOf, pidListeningOn } from './cpu-time';

describe('CPU time from /proc', () => {
  it('reads the CPU time of this process, and it grows with work', () => {
    // Spin on CPU time, not wall time: on a busy machine 200 ms of wall clock may hold far less CPU.
    const before = cpuTimeMsOf(process.pid) as number;
    const start = process.cpuUsage();
    let spentMs = 0;
    while (spentMs < 200) {
      const spent = process.cpuUsage(start);
      spentMs = (spent.user + spent.system) / 1000;
    }
    // /proc counts in clock ticks (10 ms), so allow two ticks of rounding.
    expect((cpuTimeMsOf(process.pid) as number) - before).toBeGreaterThanOrEqual(spentMs - 20);
  });

  it('is undefined for a process that does not exist', () => {
    expect(cpuTimeMsOf(2 ** 22 + 7)).toBeUndefined();
  });

  it('charges each process its own time per order, in µs', () => {
    const before = new Map([
      ['api', 1000],
      ['broker', 500],
    ]);
    const after = new Map([
      ['api', 1500],
      ['broker', 750],
    ]);
    expect(cpuPerOrderUs(before, after, 1000)).toEqual({ api: 500, broker: 250 });
    expect(cpuPerOrderUs(before, after, 0)).toEqual({});
  });

  it('leaves out a process that ended', () => {
    expect([...cpuSnapshot([{ name: 'gone', pid: 2 ** 22 + 7 }]).keys()]).toEqual([]);
  });

  it('finds the process listening on a port', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      expect(pidListeningOn(port)).toBe(process.pid);
    } finally {
      server.close();
    }
  });
});
