import { readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/** Process-tree accounting from /proc (Linux): CPU seconds and resident memory of a client. */

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

interface ProcStat {
  pid: number;
  ppid: number;
  cpuTicks: number;
}

function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name is in parentheses and may contain spaces: split after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid, ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]) };
  } catch {
    return null;
  }
}

/** The pids of `roots` and all their descendants alive now. */
export function processTree(roots: number[]): number[] {
  const all = readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
  const children = new Map<number, number[]>();
  for (const pid of all) {
    const stat = readStat(pid);
    if (!stat) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(pid);
    children.set(stat.ppid, list);
  }
  const out: number[] = [];
  const stack = [...roots];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/**
 * CPU seconds of a process tree, including children that already exited and were reaped
 * (cutime/cstime count those), sampled now.
 */
export function treeCpuSeconds(roots: number[]): number {
  let ticks = 0;
  for (const pid of processTree(roots)) ticks += readStat(pid)?.cpuTicks ?? 0;
  return ticks / TICKS_PER_SECOND;
}

/** CPU seconds of exactly these processes (not their children), sampled now. */
export function processesCpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const stat = readStat(pid);
    if (stat) ticks += stat.cpuTicks;
  }
  return ticks / TICKS_PER_SECOND;
}

/** Resident memory of a process tree now, in MB. */
export function treeRssMb(roots: number[]): number {
  let kb = 0;
  for (const pid of processTree(roots)) {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
      if (match) kb += Number(match[1]);
    } catch {
      // gone meanwhile
    }
  }
  return kb / 1024;
}

/** Samples a tree's RSS every `everyMs` until stopped; returns the peak. */
export function peakRss(roots: () => number[], everyMs = 100): { stop(): number } {
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, treeRssMb(roots()));
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, treeRssMb(roots()));
    },
  };
}

/** Bytes the server at 127.0.0.1:port has sent on its established connections (ss -ti). */
export function serverBytesSent(port: number): number {
  const text = execFileSync('ss', ['-tinH', 'state', 'established', `( sport = :${port} )`]).toString();
  let total = 0;
  for (const match of text.matchAll(/bytes_sent:(\d+)/g)) total += Number(match[1]);
  return total;
}
