package io.gproxy.tests.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback HTTP server speaking one LLM provider's wire format, for tests and benchmarks.
 *
 * <p>The base class does what every provider shares: binding 127.0.0.1 on a free port, recording each
 * request, injected faults, the auth check and 404s. Subclasses only know their provider's routes,
 * auth style and error JSON. Replies are deterministic: {@code "Hello from <provider> model <model>"}
 * with fixed usage ({@link #INPUT_TOKENS} in, {@link #OUTPUT_TOKENS} out), so a test behind the gateway
 * can tell which upstream and which model actually served a request.
 *
 * <p>When the request offers tools (in the provider's own shape), the reply is instead ONE call of the FIRST
 * offered tool, with the arguments {@link #TOOL_ARGUMENTS}, in the provider's real wire format; streams send
 * the arguments in {@link #toolArgumentFragments()} where the provider streams them in pieces.
 */
public abstract class MockUpstream implements AutoCloseable {
    public static final int INPUT_TOKENS = 12;
    public static final int OUTPUT_TOKENS = 7;
    public static final int TOTAL_TOKENS = INPUT_TOKENS + OUTPUT_TOKENS;
    /** The arguments of every tool call a mock answers with (compact JSON, keys in this order). */
    public static final String TOOL_ARGUMENTS = "{\"city\":\"Paris\",\"days\":3}";

    private record Fault(int status, String contentType, String body, Map<String, String> headers, boolean reset,
                         boolean streamed) {
        Fault(int status, String contentType, String body, Map<String, String> headers, boolean reset) {
            this(status, contentType, body, headers, reset, false);
        }
    }

    /** How the next streaming response is cut short, see {@link #cutNextStream}. */
    record Cut(int afterEvents, boolean dropConnection) {
    }

    private final String provider;
    private final HttpServer server;
    private final ExecutorService executor;
    private final StreamGate gate = new StreamGate();
    private final ConcurrentLinkedQueue<RecordedRequest> requests = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Fault> faults = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Cut> cuts = new ConcurrentLinkedQueue<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile RecordedRequest last;
    private volatile String apiKey;
    private volatile boolean recording = true;
    private volatile Duration responseDelay = Duration.ZERO;
    private volatile Duration eventDelay = Duration.ZERO;
    private volatile int streamEvents;

    protected MockUpstream(String provider) {
        this.provider = provider;
        try {
            // Large backlog: benchmarks open many connections at once.
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Virtual threads: a paused (gated) or slow stream must never starve other requests.
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        server.start();
    }

    // ---------------------------------------------------------------- public API

    public int port() {
        return server.getAddress().getPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** Snapshot, oldest first. */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    public RecordedRequest lastRequest() {
        return last;
    }

    public void clear() {
        requests.clear();
        last = null;
    }

    /** The credential the mock demands from now on (null = accept anything, the default). */
    public void expectApiKey(String key) {
        this.apiKey = key;
    }

    public StreamGate gate() {
        return gate;
    }

    /** The next request (whatever its route or auth) gets this status and JSON body. Calls queue up. */
    public void failNext(int status, String body) {
        faults.add(new Fault(status, "application/json", body, Map.of(), false));
    }

    /** Like {@link #failNext(int)} with extra response headers (e.g. {@code Retry-After}). Calls queue up. */
    public void failNext(int status, Map<String, String> headers) {
        faults.add(new Fault(status, "application/json", Json.write(errorBody(status, "Injected failure " + status)),
                Map.copyOf(headers), false));
    }

    /**
     * The next request gets exactly this answer, e.g. a 200 {@code text/event-stream} whose first event is an error
     * (what providers send when they fail after accepting a stream). Calls queue up.
     */
    public void answerNext(int status, String contentType, String body) {
        faults.add(new Fault(status, contentType, body, Map.of(), false));
    }

    /**
     * The next request gets a 200 event stream whose headers go out at once and whose body {@code sse} follows as one
     * event after the event delay ({@link #delay}): e.g. an error first event from a model that thought first.
     * Calls queue up.
     */
    public void streamNext(String sse) {
        faults.add(new Fault(200, "text/event-stream", sse, Map.of(), false, true));
    }

    /** The next request's connection is dropped before any response byte (a reset before headers). Calls queue up. */
    public void resetNext() {
        faults.add(new Fault(0, null, null, Map.of(), true));
    }

    /** Like {@link #failNext(int, String)} with a body in the provider's native error shape. */
    public void failNext(int status) {
        failNext(status, Json.write(errorBody(status, "Injected failure " + status)));
    }

    /**
     * The next streaming response stops after {@code afterEvents} events, before its terminal event: with
     * {@code dropConnection} the connection is closed without the terminating chunk (the reader sees a broken
     * body), otherwise the body ends cleanly there (the reader sees a short but well-formed stream). Calls queue up.
     */
    public void cutNextStream(int afterEvents, boolean dropConnection) {
        if (afterEvents < 0) {
            throw new IllegalArgumentException("afterEvents < 0");
        }
        cuts.add(new Cut(afterEvents, dropConnection));
    }

    /**
     * Latency knobs (benchmarks, slow upstreams): before any response byte (injected failures included), and before
     * each streamed event.
     */
    public void delay(Duration beforeResponse, Duration betweenEvents) {
        this.responseDelay = beforeResponse;
        this.eventDelay = betweenEvents;
    }

    /**
     * Benchmarks: streams carry exactly {@code n} text deltas (the reply's words repeated in turn) instead of one
     * per word of the reply; 0 restores the default. Non-stream replies are unchanged.
     */
    public void streamEvents(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n < 0");
        }
        this.streamEvents = n;
    }

    /** Benchmarks turn recording off so memory stays flat; lastRequest() is still kept. */
    public void recording(boolean on) {
        this.recording = on;
    }

    public String provider() {
        return provider;
    }

    @Override
    public void close() {
        gate.release(); // do not leave a handler parked for 20 s
        server.stop(0);
        executor.shutdownNow();
    }

    // ---------------------------------------------------------------- provider hooks

    /** Whether the request carries {@code key} in the provider's auth style. */
    protected abstract boolean authorized(RecordedRequest request, String key);

    /** Message of the 401 the provider sends for a missing or wrong credential. */
    protected abstract String unauthorizedMessage(RecordedRequest request);

    /** The provider's native error JSON for a status. */
    protected abstract JsonNode errorBody(int status, String message);

    /** Answers the request; returns false for an unknown route (→ 404 in the provider's shape). */
    protected abstract boolean handle(Exchange exchange) throws IOException;

    /** Thrown by routes for a malformed request; becomes a 400 in the provider's shape. */
    protected static final class BadRequest extends RuntimeException {
        public BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    // ---------------------------------------------------------------- helpers for subclasses

    /** The deterministic reply, e.g. "Hello from openai model gpt-4o-mini". */
    protected String replyText(String model) {
        return "Hello from " + provider + " model " + model;
    }

    /** Splits a reply into one delta per word, keeping the spaces, so the deltas concatenate back exactly. */
    protected static List<String> deltas(String text) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 1; i < text.length(); i++) {
            if (text.charAt(i) == ' ') {
                parts.add(text.substring(start, i));
                start = i;
            }
        }
        parts.add(text.substring(start));
        return parts;
    }

    /** The text deltas of a streamed reply: {@link #deltas} of the text, or {@link #streamEvents(int)} of them. */
    protected List<String> streamDeltas(String text) {
        List<String> words = deltas(text);
        int n = streamEvents;
        if (n == 0) {
            return words;
        }
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String w = words.get(i % words.size());
            out.add(i > 0 && !w.startsWith(" ") ? " " + w : w);
        }
        return out;
    }

    /** {@link #TOOL_ARGUMENTS} in the pieces a streaming provider sends; they concatenate back exactly. */
    public static List<String> toolArgumentFragments() {
        return List.of("{\"city\":", "\"Paris\",", "\"days\":3}");
    }

    /** {@link #TOOL_ARGUMENTS} as a JSON object. */
    protected static JsonNode toolArgumentsJson() {
        try {
            return Json.MAPPER.readTree(TOOL_ARGUMENTS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Unique-per-mock id suffix, e.g. "mock000042", so ids look real but tests stay reproducible. */
    protected String nextId() {
        return String.format("mock%06d", ids.incrementAndGet());
    }

    protected static long nowSeconds() {
        return System.currentTimeMillis() / 1000;
    }

    Duration eventDelay() {
        return eventDelay;
    }

    /** The cut for a stream that is starting, or null. */
    Cut claimCut() {
        return cuts.poll();
    }

    // ---------------------------------------------------------------- dispatch

    private void dispatch(HttpExchange http) {
        Exchange exchange = null;
        boolean close = true;
        try {
            RecordedRequest request = record(http);
            exchange = new Exchange(this, http, request);
            if (!responseDelay.isZero()) {
                EventStream.sleep(responseDelay); // before any answer, an injected failure's too
            }
            Fault fault = faults.poll();
            if (fault != null) {
                if (fault.reset()) {
                    throw new EventStream.Cut(true); // handled below: the connection closes with nothing sent
                }
                fault.headers().forEach(exchange::header);
                if (fault.streamed()) {
                    try (EventStream events = exchange.stream(fault.contentType())) {
                        events.frame(fault.body());
                    }
                    return;
                }
                exchange.send(fault.status(), fault.contentType(), fault.body());
                return;
            }
            String key = apiKey;
            if (key != null && !authorized(request, key)) {
                exchange.error(401, unauthorizedMessage(request));
                return;
            }
            if (!handle(exchange)) {
                exchange.error(404, "Invalid URL (" + request.method() + " " + request.path() + ")");
            }
        } catch (EventStream.Cut cut) {
            if (cut.dropConnection()) {
                // Out of the handler without closing the exchange: HttpServer then closes the connection, so the
                // body ends without its terminating chunk.
                close = false;
                throw cut;
            }
        } catch (BadRequest e) {
            replyIfStill(exchange, 400, e.getMessage());
        } catch (IOException e) {
            // client went away mid-stream: nothing to answer
        } catch (RuntimeException e) {
            replyIfStill(exchange, 500, "mock upstream failure: " + e);
        } finally {
            if (close) {
                http.close();
            }
        }
    }

    private void replyIfStill(Exchange exchange, int status, String message) {
        if (exchange != null && !exchange.responseStarted()) {
            try {
                exchange.error(status, message);
            } catch (IOException ignored) {
                // client gone
            }
        }
    }

    private RecordedRequest record(HttpExchange http) throws IOException {
        String body;
        try (InputStream in = http.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        http.getRequestHeaders().forEach((name, values) -> headers
                .computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).addAll(values));
        headers.replaceAll((k, v) -> List.copyOf(v));
        URI uri = http.getRequestURI();
        RecordedRequest request = new RecordedRequest(http.getRequestMethod(), uri.getRawPath(),
                uri.getRawQuery(), headers, body);
        if (recording) {
            requests.add(request);
        }
        last = request;
        return request;
    }
}
