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

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }
}
