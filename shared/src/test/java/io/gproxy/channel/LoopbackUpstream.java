package io.gproxy.channel;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gproxy.http.Headers;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A loopback HTTP server that records every request (method, raw path and query, headers, body) and answers with a
 * configurable response. Enough of an upstream for channel tests.
 */
final class LoopbackUpstream implements AutoCloseable {
    record Recorded(String method, String rawPath, String rawQuery, Headers headers, byte[] body) {}

    record Answer(int status, String contentType, byte[] body, Headers headers) {
        static Answer json(int status, String body) {
            return new Answer(status, "application/json", body.getBytes(), new Headers());
        }
    }

    interface Responder {
        Answer answer(Recorded request) throws IOException;
    }

    private final HttpServer server;
    final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final AtomicReference<Responder> responder = new AtomicReference<>(r -> Answer.json(200, "{}"));

    LoopbackUpstream() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    LoopbackUpstream respond(Responder r) {
        responder.set(r);
        return this;
    }

    Recorded last() {
        return requests.get(requests.size() - 1);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            Recorded rec = new Recorded(ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
                    ex.getRequestURI().getRawQuery(), Headers.copyOf(ex.getRequestHeaders()), body);
            requests.add(rec);
            Answer a = responder.get().answer(rec);
            a.headers().asMap().forEach((k, vs) -> vs.forEach(v -> ex.getResponseHeaders().add(k, v)));
            ex.getResponseHeaders().set("content-type", a.contentType());
            ex.sendResponseHeaders(a.status(), a.body().length == 0 ? -1 : a.body().length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(a.body());
            }
        }
    }

    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** Sends a prepared request and returns the buffered answer. */
    static ChannelHttp.Result send(UpstreamRequest req) throws IOException, InterruptedException {
        return ChannelHttp.jdk(CLIENT).send(req, java.time.Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
