#!/usr/bin/python3
"""Per-thread CPU of a command, and the size of a file (a WAL) while it runs.

usage: bench/thread_cpu.py FILE -- COMMAND [ARGS...]

Starts COMMAND, polls /proc/PID/task/*/stat every 0.1 s until it exits, then
prints each thread's user and system CPU (the last values seen; the store
names its threads yz-writer and yz-checkpoint), the largest size FILE had and
its size every 5 s. CPU time, not wall time: other work on the machine moves
it little. Example (issue #7, the import's writer thread):

  build/rel/yizhan init --demo --dir /tmp/g
  bench/thread_cpu.py /tmp/g/yizhan.db-wal -- build/rel/yizhan generate --cases 300000 --dir /tmp/g
"""
import os
import subprocess
import sys
import time


def main():
    if len(sys.argv) < 4 or sys.argv[2] != '--':
        sys.stderr.write(__doc__)
        return 2
    path, cmd = sys.argv[1], sys.argv[3:]
    tck = os.sysconf('SC_CLK_TCK')
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    seen, largest, samples, t0, last = {}, 0, [], time.monotonic(), -1
    while proc.poll() is None:
        try:
            tids = os.listdir(f'/proc/{proc.pid}/task')
        except OSError:
            tids = []
        for tid in tids:
            try:
                with open(f'/proc/{proc.pid}/task/{tid}/stat') as f:
                    stat = f.read()
            except OSError:
                continue
            comm = stat[stat.index('(') + 1:stat.rindex(')')]
            fields = stat[stat.rindex(')') + 2:].split()  # fields[11], [12]: utime, stime
            seen[tid] = (comm, int(fields[11]) / tck, int(fields[12]) / tck)
        try:
            size = os.stat(path).st_size
        except OSError:
            size = 0
        largest = max(largest, size)
        elapsed = time.monotonic() - t0
        if int(elapsed) // 5 != last:
            last = int(elapsed) // 5
            samples.append((round(elapsed), size))
        time.sleep(0.1)
    print('exit', proc.returncode)
    user = system = 0.0
    for tid, (comm, u, s) in sorted(seen.items(), key=lambda kv: -(kv[1][1] + kv[1][2])):
        print(f'tid {tid:>8} {comm:<16} user {u:7.2f} s  sys {s:7.2f} s')
        user += u
        system += s
    print(f'total user {user:.2f} s  sys {system:.2f} s')
    print(f'{path}: largest {largest // 1024} KiB')
    print('every 5 s (s:KiB):', ' '.join(f'{t}:{s // 1024}' for t, s in samples))
    return 0


if __name__ == '__main__':
    sys.exit(main())
