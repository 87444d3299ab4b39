package io.gproxy.tests.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time of another process from {@code /proc/<pid>/stat} (Linux; clock ticks of 10 ms). */
final class ProcCpu {
    private static final long TICK_NANOS = 10_000_000L; // USER_HZ is 100 on every mainstream Linux

    private ProcCpu() {}

    /** utime + stime in nanoseconds, or -1 when /proc is not there. */
    static long of(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // fields after the command name, which is in parentheses and may contain spaces
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_NANOS;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
