package io.gproxy.tests.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What the run ran on: cores, memory, CPU, JDK, OS, and how busy the machine was. */
record Machine(int cpus, String cpuModel, long memoryBytes, String jdk, String os) {

    static Machine describe() {
        String model = "unknown CPU";
        long mem = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    mem = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                    break;
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux: leave what is unknown
        }
        String jdk = System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version");
        String os = System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch");
        return new Machine(Runtime.getRuntime().availableProcessors(), model, mem, jdk, os);
    }

    /** The 1-minute load average, or -1. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    String summary() {
        return String.format(Locale.ROOT, "%d CPUs (nproc; %s), %.1f GiB RAM, JDK %s, %s", cpus, cpuModel,
                memoryBytes / (1024.0 * 1024 * 1024), jdk, os);
    }
}
