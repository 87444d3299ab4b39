package io.gproxy.local;

import com.sun.net.httpserver.HttpServer;
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
    private final HttpServer http;
    private final ExecutorService executor;

    private LocalHttpServer(HttpServer http, ExecutorService executor) {
        this.http = http;
        this.executor = executor;
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
