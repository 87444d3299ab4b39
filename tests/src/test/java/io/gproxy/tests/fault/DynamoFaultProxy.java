package io.gproxy.tests.fault;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A small HTTP proxy between the gateway and DynamoDB Local that fails chosen calls on demand, the way DynamoDB
 * fails in production: throttling ({@code ProvisionedThroughputExceededException}, 400), an internal error (500) or
 * a dropped connection. Everything else is forwarded byte for byte (the SDK checks the body's CRC32). It also counts
 * every call that reaches it by operation, retries included, which is what a request really costs.
 */
public final class DynamoFaultProxy implements AutoCloseable {
    public static final Set<String> READS = Set.of("GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems");

    public enum Fault { THROTTLE, SERVER_ERROR, DROP }

    /** One DynamoDB call as the proxy saw it: the operation ("TransactWriteItems") and the JSON request body. */
    public record Call(String operation, String body) {
        /** A reservation: the transaction that puts the {@code RES#} marker. */
        public boolean isReservation() {
            return operation.equals("TransactWriteItems") && !isSettlement();
        }

        /**
         * A settlement: the transaction that deletes the reservation marker (or puts an {@code STL#} one), or, where
         * the settlement is one conditional write of the usage record, that {@code PutItem}.
         */
        public boolean isSettlement() {
            return operation.equals("TransactWriteItems") && (body.contains("\"Delete\"") || body.contains("\"STL#"))
                    || operation.equals("PutItem") && (body.contains("\"USE#") || body.contains("\"STL#"));
        }
    }

    private record Rule(Predicate<Call> when, Fault fault, AtomicInteger remaining) {}

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI target;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final AtomicInteger injected = new AtomicInteger();

    public DynamoFaultProxy(String targetEndpoint) throws IOException {
        this.target = URI.create(targetEndpoint);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Fails the next {@code times} calls matching {@code when} (a negative count: every one, until cleared). */
    public void fail(Predicate<Call> when, Fault fault, int times) {
        rules.add(new Rule(when, fault, new AtomicInteger(times)));
    }

    /** Every call fails with {@code fault} until {@link #heal()}: DynamoDB is down. */
    public void failEverything(Fault fault) {
        fail(c -> true, fault, -1);
    }

    public void heal() {
        rules.clear();
    }

    public void resetCounts() {
        calls.clear();
        injected.set(0);
    }

    /** Calls by operation that reached the proxy (injected failures included). */
    public Map<String, Integer> calls() {
        Map<String, Integer> out = new TreeMap<>();
        calls.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    public int reads() {
        return calls().entrySet().stream().filter(e -> READS.contains(e.getKey())).mapToInt(Map.Entry::getValue).sum();
    }

    public int total() {
        return calls().values().stream().mapToInt(Integer::intValue).sum();
    }

    /** How many calls got an injected failure. */
    public int injected() {
        return injected.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readAllBytes();
        }
        String amzTarget = ex.getRequestHeaders().getFirst("X-Amz-Target");
        String op = amzTarget == null ? "?" : amzTarget.substring(amzTarget.indexOf('.') + 1);
        calls.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
        Call call = new Call(op, new String(body, StandardCharsets.UTF_8));
        Fault fault = takeFault(call);
        if (fault != null) {
            injected.incrementAndGet();
            switch (fault) {
                case THROTTLE -> reply(ex, 400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#"
                        + "ProvisionedThroughputExceededException\",\"message\":\"The level of configured provisioned "
                        + "throughput for the table was exceeded.\"}");
                case SERVER_ERROR -> reply(ex, 500, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\","
                        + "\"message\":\"Internal server error\"}");
                case DROP -> throw new IOException("dropped by the fault proxy"); // HttpServer closes the connection
            }
            ex.close();
            return;
        }
        forward(ex, body);
    }

    private Fault takeFault(Call call) {
        for (Rule r : rules) {
            if (!r.when().test(call)) {
                continue;
            }
            int left = r.remaining().get();
            if (left < 0) {
                return r.fault();
            }
            while (left > 0) {
                if (r.remaining().compareAndSet(left, left - 1)) {
                    return r.fault();
                }
                left = r.remaining().get();
            }
        }
        return null;
    }

    private void forward(HttpExchange ex, byte[] body) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(target.resolve(ex.getRequestURI().getRawPath()))
                .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        ex.getRequestHeaders().forEach((name, values) -> {
            String n = name.toLowerCase(Locale.ROOT);
            if (!Set.of("host", "content-length", "connection", "expect", "upgrade", "transfer-encoding").contains(n)) {
                values.forEach(v -> b.header(name, v));
            }
        });
        HttpResponse<byte[]> r;
        try {
            r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        r.headers().map().forEach((name, values) -> {
            String n = name.toLowerCase(Locale.ROOT);
            if (!Set.of("content-length", "connection", "transfer-encoding", ":status").contains(n)) {
                values.forEach(v -> ex.getResponseHeaders().add(name, v));
            }
        });
        byte[] out = r.body();
        ex.sendResponseHeaders(r.statusCode(), out.length == 0 ? -1 : out.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(out);
        }
    }

    private static void reply(HttpExchange ex, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
        ex.getResponseHeaders().set("x-amzn-RequestId", "fault-proxy");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        client.close();
    }
}
