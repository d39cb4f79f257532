#!/usr/bin/python3
"""A writer beside a command: how long its writes wait for the database.

usage: bench/write_beside.py DB -- COMMAND [ARGS...]

Starts COMMAND and, until it exits, writes one row every 50 ms into a table
of DB made for the purpose (bench_write_probe, dropped at the end), each write
one BEGIN IMMEDIATE transaction with a 5 s busy timeout, as `yizhan serve`'s
writer has. A write that finds the database locked for longer fails, as a
server's request would. Prints COMMAND's output, then the waits:

  writes N wait_p50_ms X wait_p99_ms Y wait_max_ms Z failed F

and exits with COMMAND's status. Issue #7: `yizhan rollup rebuild` beside a
server (bench/data.sh).
"""
import sqlite3
import subprocess
import sys
import time

BUSY_TIMEOUT_S = 5.0
INTERVAL_S = 0.05


def main():
    if len(sys.argv) < 4 or sys.argv[2] != '--':
        sys.stderr.write(__doc__)
        return 2
    db, cmd = sys.argv[1], sys.argv[3:]
    conn = sqlite3.connect(db, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    conn.execute('CREATE TABLE IF NOT EXISTS bench_write_probe(at REAL NOT NULL)')
    proc = subprocess.Popen(cmd)
    waits, failed = [], 0
    while proc.poll() is None:
        t = time.monotonic()
        try:
            conn.execute('BEGIN IMMEDIATE')
            conn.execute('INSERT INTO bench_write_probe(at) VALUES (?)', (time.time(),))
            conn.execute('COMMIT')
            waits.append(time.monotonic() - t)
        except sqlite3.OperationalError:
            failed += 1
            if conn.in_transaction:
                conn.execute('ROLLBACK')
        time.sleep(INTERVAL_S)
    conn.execute('DROP TABLE bench_write_probe')
    conn.close()
    waits.sort()

    def at(q):
        return waits[min(len(waits) - 1, int(q * len(waits)))] * 1000 if waits else 0

    print(f'writes {len(waits)} wait_p50_ms {at(0.5):.1f} wait_p99_ms {at(0.99):.1f}'
          f' wait_max_ms {at(1.0):.1f} failed {failed}')
    return proc.returncode


if __name__ == '__main__':
    sys.exit(main())
