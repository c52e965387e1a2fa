/** CPU time of a benchmarked server's process tree, read from /proc (Linux). */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** utime + stime of a live process and its live descendants, in ms (from /proc; 0 where unreadable). */
export function processTreeCpuMs(pid: number): number {
  let ms = 0;
  try {
    // Fields after the parenthesised command name: state is 3rd, utime 14th, stime 15th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
    ms += ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      for (const child of readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean)) ms += processTreeCpuMs(Number(child));
    }
  } catch {
    // The process ended meanwhile.
  }
  return ms;
}
