package io.gproxy.local;

import com.sun.net.httpserver.HttpServer;
import io.gproxy.app.GatewayHandler;
import io.gproxy.http.RequestHandler;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The JDK HTTP server on virtual threads in front of a {@link RequestHandler}: local mode's transport, also used
 * by benchmarks to put a gateway on an arbitrary store behind real HTTP.
 */
public final class LocalHttpServer implements AutoCloseable {
    /**
     * The JDK server's own limit on the header section, as it counts it (each line's bytes plus 32, the request line
     * included): 1 MiB, so a header section of up to 120 KiB on the wire, in however many lines (4 bytes each at
     * least), reaches the gateway, which answers 431 past its 64 KiB. Past 1 MiB as the JDK counts, the JDK server
     * closes the connection without an answer.
     */
    static final int JDK_MAX_HEADER_BYTES = 16 * GatewayHandler.MAX_HEADER_BYTES;
    /**
     * The JDK server's header-name limit (default 200, past which it closes the connection): set where it can never
     * bind before {@link #JDK_MAX_HEADER_BYTES} does (every line costs more than 32 bytes there), so the gateway's own
     * rule of {@value GatewayHandler#MAX_HEADER_NAMES} names answers with its 431.
     */
    static final int JDK_MAX_HEADER_NAMES = JDK_MAX_HEADER_BYTES / 32;

    static {
        useGatewayHeaderLimits();
    }

    private final HttpServer http;
    private final ExecutorService executor;

    private LocalHttpServer(HttpServer http, ExecutorService executor) {
        this.http = http;
        this.executor = executor;
    }

    /**
     * Raises the JDK HTTP server's header limits ({@code sun.net.httpserver.maxReqHeaders} and, where the JDK has it,
     * {@code sun.net.httpserver.maxReqHeaderSize}) above the gateway's, so a request with too many or too large
     * headers gets the gateway's 431 in its error envelope instead of a closed connection. The JDK reads these once
     * per JVM, when its first HTTP server is created: this runs before this class creates one (and first thing in
     * {@code gproxy local}); a JVM that started another {@code com.sun.net.httpserver} server earlier keeps the JDK's
     * defaults. A value the operator set with {@code -D} is left alone.
     */
    public static void useGatewayHeaderLimits() {
        setIfAbsent("sun.net.httpserver.maxReqHeaders", JDK_MAX_HEADER_NAMES);
        setIfAbsent("sun.net.httpserver.maxReqHeaderSize", JDK_MAX_HEADER_BYTES);
    }

    private static void setIfAbsent(String property, int value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, Integer.toString(value));
        }
    }

    public static LocalHttpServer start(RequestHandler handler, String host, int port) throws IOException {
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 1024);
        http.createContext("/", new ExchangeAdapter(handler));
        http.setExecutor(executor);
        http.start();
        return new LocalHttpServer(http, executor);
    }

    public int port() {
        return http.getAddress().getPort();
    }

    public String baseUrl() {
        return "http://" + http.getAddress().getHostString() + ":" + port();
    }

    /**
     * Stops accepting, then lets the exchanges in flight finish their completion work (settlements, usage records,
     * request logs) before the caller closes the store under them: a restart on the same data directory must not
     * find DynamoDB Local's files still busy with a late write.
     */
    @Override
    public void close() {
        http.stop(1);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
