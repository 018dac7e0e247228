import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcSample {
  /** utime + stime, in seconds. */
  cpuSeconds: number;
  rssBytes: number;
}

let clockTicks: number | undefined;

function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** CPU time and resident memory of a process, from /proc (Linux only); undefined when unreadable. */
export function sampleProcess(pid: number | undefined): ProcSample | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields after the last ')' start at field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? NaN);
    if (!Number.isFinite(utime + stime + rssKb)) return undefined;
    return { cpuSeconds: (utime + stime) / ticksPerSecond(), rssBytes: rssKb * 1024 };
  } catch {
    return undefined;
  }
}

/** Busy CPU seconds of the whole machine, summed over cores, from /proc/stat; undefined when unreadable. */
export function sampleMachineBusySeconds(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    // cpu user nice system idle iowait irq softirq steal ...
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    const busy = [user, nice, system, irq, softirq, steal].reduce<number>((sum, v) => sum + (v ?? 0), 0);
    return Number.isFinite(busy) ? busy / ticksPerSecond() : undefined;
  } catch {
    return undefined;
  }
}

/** Parent pid and utime + stime (seconds) of a process, from /proc/<pid>/stat; undefined when unreadable. */
export function readStat(pid: number): { ppid: number; cpuSeconds: number; comm: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    const ppid = Number(fields[1]);
    const cpuTicks = Number(fields[11]) + Number(fields[12]);
    if (!Number.isFinite(ppid + cpuTicks)) return undefined;
    return { ppid, cpuSeconds: cpuTicks / ticksPerSecond(), comm: stat.slice(stat.indexOf('(') + 1, close) };
  } catch {
    return undefined;
  }
}

/** The command line of a process with its NULs as spaces ('' when unreadable). */
export function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}

/** The direct children of `ppid` with their CPU seconds, by scanning /proc. */
export function childrenOf(ppid: number): { pid: number; cpuSeconds: number }[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const children: { pid: number; cpuSeconds: number }[] = [];
  for (const entry of entries) {
    const c = entry.charCodeAt(0);
    if (c < 48 || c > 57) continue; // not a pid directory
    const pid = Number(entry);
    const stat = readStat(pid);
    if (stat?.ppid === ppid) children.push({ pid, cpuSeconds: stat.cpuSeconds });
  }
  return children;
}
