package io.gproxy.tests.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Portkey AI gateway ({@code @portkey-ai/gateway} from npm) as a peer measured in the same run: installed into
 * {@code tests/target/portkey} on first use (never committed), started offline with {@code --headless} on a free
 * port and spoken to on loopback only (it binds every interface). {@code @hono/node-server} is pinned to 1.13.8
 * through npm {@code overrides}: with the 1.19.x that 1.15.2 resolves to, every streamed request fails with
 * HTTP 500 ({@code TypeError: immutable}, Portkey issues #1389 and #1550).
 */
final class PortkeyPeer implements AutoCloseable {
    static final String VERSION = "1.15.2";
    static final String HONO_NODE_SERVER = "1.13.8";

    /** The peer, or why there is none. */
    record Start(PortkeyPeer peer, String unavailable) {}

    private final Process process;
    private final int port;
    private final String version;

    private PortkeyPeer(Process process, int port, String version) {
        this.process = process;
        this.port = port;
        this.version = version;
    }

    static Start start(Path dir, Path log) {
        try {
            String node = nodeVersion();
            if (node == null) {
                return new Start(null, "node not found");
            }
            int major = Integer.parseInt(node.replaceFirst("^v", "").split("\\.")[0]);
            if (major < 18) {
                return new Start(null, "node " + node + " is too old (needs 18+)");
            }
            String problem = install(dir);
            if (problem != null) {
                return new Start(null, problem);
            }
            Path script = dir.resolve("node_modules/@portkey-ai/gateway/build/start-server.js");
            int port = freePort();
            Process p = new ProcessBuilder("node", script.toString(), "--port=" + port, "--headless")
                    .directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                if (!p.isAlive()) {
                    return new Start(null, "portkey exited with " + p.exitValue() + " (see " + log + ")");
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                    return new Start(new PortkeyPeer(p, port, installedVersion(dir)), null);
                } catch (IOException notYet) {
                    Thread.sleep(100);
                }
            }
            p.destroyForcibly();
            return new Start(null, "portkey did not listen within 30 s (see " + log + ")");
        } catch (Exception e) {
            return new Start(null, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Installs the pinned version unless it is there already; null when fine, else the reason. */
    private static String install(Path dir) throws IOException, InterruptedException {
        if (VERSION.equals(installedVersion(dir)) && HONO_NODE_SERVER.equals(
                packageVersion(dir.resolve("node_modules/@hono/node-server/package.json")))) {
            return null;
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("package.json"), """
                {
                  "name": "gproxy-bench-portkey",
                  "private": true,
                  "version": "0.0.0",
                  "description": "Installed by ./gproxy bench; never committed",
                  "dependencies": {"@portkey-ai/gateway": "%s"},
                  "overrides": {"@hono/node-server": "%s"}
                }
                """.formatted(VERSION, HONO_NODE_SERVER));
        System.err.println("bench: installing @portkey-ai/gateway@" + VERSION + " into " + dir + " (npm)...");
        Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--omit=dev", "--ignore-scripts",
                "--loglevel=error").directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(dir.resolve("npm-install.log").toFile())).start();
        if (!npm.waitFor(300, TimeUnit.SECONDS)) {
            npm.destroyForcibly();
            return "npm install timed out";
        }
        if (npm.exitValue() != 0) {
            List<String> lines = Files.readAllLines(dir.resolve("npm-install.log"));
            return "npm install failed: " + (lines.isEmpty() ? "exit " + npm.exitValue() : lines.get(lines.size() - 1));
        }
        String installed = installedVersion(dir);
        return VERSION.equals(installed) ? null : "npm installed " + installed + " instead of " + VERSION;
    }

    private static String installedVersion(Path dir) throws IOException {
        return packageVersion(dir.resolve("node_modules/@portkey-ai/gateway/package.json"));
    }

    private static String packageVersion(Path packageJson) throws IOException {
        if (!Files.exists(packageJson)) {
            return null;
        }
        Matcher m = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"").matcher(Files.readString(packageJson));
        return m.find() ? m.group(1) : null;
    }

    private static String nodeVersion() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 ? out : null;
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    String version() {
        return version;
    }

    /** CPU time of the node process so far (user + system), from /proc; -1 when unknown. */
    long cpuNanos() {
        return ProcCpu.of(process.pid());
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
