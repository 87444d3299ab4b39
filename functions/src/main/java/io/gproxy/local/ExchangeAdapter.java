package io.gproxy.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.gproxy.http.BodySink;
import io.gproxy.http.Headers;
import io.gproxy.http.HttpRequest;
import io.gproxy.http.HttpResponse;
import io.gproxy.http.QueryString;
import io.gproxy.http.RequestHandler;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * Adapts the JDK HTTP server to the transport-neutral {@link RequestHandler}: bounded body reads (413 without
 * reading past the limit) and real streaming, one chunk flushed per event.
 */
final class ExchangeAdapter implements HttpHandler {
    private final RequestHandler handler;

    ExchangeAdapter(RequestHandler handler) {
        this.handler = handler;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        HttpResponse response = null;
        try {
            byte[] body = readBounded(exchange);
            if (body == null) {
                response = handler.payloadTooLarge();
                // the rest of the body is still on the connection, unread: tell the client not to reuse it, or its
                // next request on this connection fails without an answer
                response.headers().set("connection", "close");
            } else {
                response = handler.handle(toRequest(exchange, body));
            }
            send(exchange, response);
        } catch (IOException clientGone) {
            // the client hung up; nothing left to tell it
        } finally {
            try {
                if (response != null) {
                    // Settlement and the log line (issue 6) run once every byte of the body was sent and flushed,
                    // but before the exchange closes: the JDK server frees the connection for its next request on
                    // close, so a client cannot run ahead of its own settlements and a busy local server cannot
                    // pile up unsettled requests. A buffered answer is complete for the client already (its length
                    // is known); a stream's terminating chunk waits for the settlement.
                    complete(response);
                }
            } finally {
                exchange.close();
            }
        }
    }

    /**
     * Runs the completion work on a thread of its own: the exchange's thread may be interrupted once its exchange
     * is done, and the AWS SDK aborts calls on an interrupted thread, which would lose a settlement.
     */
    private static void complete(HttpResponse response) {
        Thread worker = Thread.ofVirtual().name("gproxy-complete").start(response::complete);
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the worker carries on and finishes the settlement on its own
        }
    }

    /** Beyond the limit, up to this much more is read and thrown away so the client can read its 413. */
    static final long DRAIN_BYTES = 4L * 1024 * 1024;

    private byte[] readBounded(HttpExchange exchange) throws IOException {
        long max = handler.maxBodyBytes();
        InputStream in = exchange.getRequestBody();
        String length = exchange.getRequestHeaders().getFirst("content-length");
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > max) {
                    discard(in);
                    return null;
                }
            } catch (NumberFormatException ignored) {
                // let the bounded read decide
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[16 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            total += n;
            if (total > max) {
                discard(in);
                return null;
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    /**
     * Reads (and keeps nothing of) what a client is still sending after its body was refused, up to
     * {@link #DRAIN_BYTES}: a client still uploading when the connection closes sees a reset instead of its 413.
     */
    private static void discard(InputStream in) throws IOException {
        byte[] buf = new byte[16 * 1024];
        long left = DRAIN_BYTES;
        int n;
        while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) >= 0) {
            left -= n;
        }
    }

    private static HttpRequest toRequest(HttpExchange exchange, byte[] body) {
        Headers headers = new Headers();
        for (Map.Entry<String, List<String>> e : exchange.getRequestHeaders().entrySet()) {
            e.getValue().forEach(v -> headers.add(e.getKey(), v));
        }
        InetSocketAddress remote = exchange.getRemoteAddress();
        return new HttpRequest(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                QueryString.parse(exchange.getRequestURI().getRawQuery()), headers, body,
                remote == null ? null : remote.getAddress().getHostAddress());
    }

    private static void send(HttpExchange exchange, HttpResponse response) throws IOException {
        com.sun.net.httpserver.Headers out = exchange.getResponseHeaders();
        response.headers().asMap().forEach((name, values) -> values.forEach(v -> out.add(name, v)));
        if (!response.isStreaming()) {
            byte[] body = response.body();
            exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
                exchange.getResponseBody().flush(); // the whole answer is on the wire before any completion work
            }
            return;
        }
        exchange.sendResponseHeaders(response.status(), 0); // chunked
        OutputStream os = exchange.getResponseBody();
        response.stream().writeTo(new BodySink() {
            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                os.write(bytes, offset, length);
            }

            @Override
            public void flush() throws IOException {
                os.flush();
            }
        });
    }
}
