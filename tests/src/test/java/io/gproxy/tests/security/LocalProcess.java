package io.gproxy.tests.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code gproxy local} as its own process, the way an operator runs it: {@code io.gproxy.local.LocalMain} in a child
 * JVM on this test's class path, with only the environment given here, its stdout and stderr captured in files so a
 * test can read every line it printed.
 */
final class LocalProcess implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("gproxy local ready on (http://\\S+)");

    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final String baseUrl;

    private LocalProcess(Process process, Path stdout, Path stderr, String baseUrl) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.baseUrl = baseUrl;
    }

    static LocalProcess start(Path dataDir, Path bundle, Map<String, String> env) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", classpath, "io.gproxy.local.LocalMain", "local", "--port", "0",
                "--data-dir", dataDir.toString(), "--import", bundle.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("GPROXY_"));
        pb.environment().putAll(env);
        Path out = dataDir.resolve("stdout.log");
        Path err = dataDir.resolve("stderr.log");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline && p.isAlive()) {
            Matcher m = READY.matcher(Files.readString(out, StandardCharsets.UTF_8));
            if (m.find()) {
                return new LocalProcess(p, out, err, m.group(1));
            }
            Thread.sleep(100);
        }
        p.destroyForcibly();
        throw new IllegalStateException("gproxy local did not start: " + Files.readString(out) + Files.readString(err));
    }

    String baseUrl() {
        return baseUrl;
    }

    /** Everything the process printed so far, stdout then stderr. */
    String output() throws IOException {
        return Files.readString(stdout, StandardCharsets.UTF_8) + "\n" + Files.readString(stderr, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws Exception {
        process.destroy(); // SIGTERM: the shutdown hook closes the server and DynamoDB Local
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
