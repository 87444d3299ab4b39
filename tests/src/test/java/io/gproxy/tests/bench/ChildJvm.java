package io.gproxy.tests.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Child JVMs on the Lambda package's classpath: the zip unpacked under tests/target/bench/lambda (as /var/task is),
 * plus a directory holding only the bench's child main classes, with Lambda's JVM flags.
 */
final class ChildJvm {
    /** The flags the managed java21 runtime starts the JVM with (tiered compilation stops at C1, serial GC). */
    static final List<String> LAMBDA_FLAGS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto");

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a child printed on its BENCH-RESULT line, and when it was launched (parent's nanoTime). */
    record Result(long launched, JsonNode json, String output) {}

    private final Path classpathLib;
    private final Path childClasses;
    private final String java;

    private ChildJvm(Path classpathLib, Path childClasses) {
        this.classpathLib = classpathLib;
        this.childClasses = childClasses;
        this.java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Unpacks the zip (again when it changed) and copies the child mains out of the test classes. */
    static ChildJvm prepare(Path zip, Path workDir, Class<?>... mains) throws IOException {
        if (!Files.exists(zip)) {
            throw new IOException("no Lambda package at " + zip + " (mvn -pl functions -am package builds it)");
        }
        Path dir = workDir.resolve("lambda");
        Path stamp = dir.resolve(".unpacked-from");
        String id = zip.toAbsolutePath() + " " + Files.getLastModifiedTime(zip).toMillis() + " " + Files.size(zip);
        if (!Files.exists(stamp) || !Files.readString(stamp).equals(id)) {
            deleteTree(dir);
            Files.createDirectories(dir);
            try (ZipFile z = new ZipFile(zip.toFile())) {
                Enumeration<? extends ZipEntry> entries = z.entries();
                while (entries.hasMoreElements()) {
                    ZipEntry e = entries.nextElement();
                    Path target = dir.resolve(e.getName()).normalize();
                    if (!target.startsWith(dir)) {
                        throw new IOException("zip entry outside the target: " + e.getName());
                    }
                    if (e.isDirectory()) {
                        Files.createDirectories(target);
                    } else {
                        Files.createDirectories(target.getParent());
                        try (InputStream in = z.getInputStream(e)) {
                            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
            }
            Files.writeString(stamp, id);
        }
        Path classes = workDir.resolve("child-classes");
        for (Class<?> main : mains) {
            // the main class and its nested classes (anonymous ones included), straight from the test classes
            Path source;
            try {
                source = Path.of(main.getProtectionDomain().getCodeSource().getLocation().toURI());
            } catch (java.net.URISyntaxException e) {
                throw new IOException(e);
            }
            String pkg = main.getPackageName().replace('.', '/');
            Path from = source.resolve(pkg);
            Path to = classes.resolve(pkg);
            Files.createDirectories(to);
            String simple = main.getSimpleName();
            try (var files = Files.list(from)) {
                for (Path f : files.toList()) {
                    String name = f.getFileName().toString();
                    if (name.equals(simple + ".class") || name.startsWith(simple + "$")) {
                        Files.copy(f, to.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
        return new ChildJvm(dir.resolve("lib"), classes);
    }

    /** Runs {@code main} with Lambda's flags plus {@code extraFlags}, the given environment, and waits for its result. */
    Result run(List<String> extraFlags, Map<String, String> env, Class<?> main, long timeoutSeconds, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(LAMBDA_FLAGS);
        cmd.addAll(extraFlags);
        String more = System.getProperty("bench.childFlags", "").trim(); // e.g. a JFR recording, for profiling a child
        if (!more.isEmpty()) {
            cmd.addAll(List.of(more.split("\\s+")));
        }
        cmd.add("-cp");
        cmd.add(classpathLib + File.separator + "*" + File.pathSeparator + childClasses);
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("GPROXY_") || k.equals("JAVA_TOOL_OPTIONS"));
        pb.environment().putAll(env);
        long launched = System.nanoTime();
        Process p = pb.start();
        StringBuilder output = new StringBuilder();
        JsonNode[] result = new JsonNode[1];
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("BENCH-RESULT ")) {
                        result[0] = JSON.readTree(line.substring("BENCH-RESULT ".length()));
                    } else if (output.length() < 20_000) {
                        output.append(line).append('\n');
                    }
                }
            } catch (IOException ignored) {
                // the child is gone
            }
        });
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            output.append("(killed after ").append(timeoutSeconds).append(" s)\n");
        }
        reader.join(TimeUnit.SECONDS.toMillis(5));
        return new Result(launched, result[0], output.toString());
    }

    Path libDir() {
        return classpathLib;
    }

    /** The line of a failed child's output that says what went wrong. */
    static String reason(String output) {
        String last = "no output";
        for (String line : output.strip().split("\n")) {
            if (line.contains("Exception") || line.contains("Error:") || line.startsWith("Error")) {
                return line.strip();
            }
            if (!line.isBlank()) {
                last = line.strip();
            }
        }
        return last;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }
}
