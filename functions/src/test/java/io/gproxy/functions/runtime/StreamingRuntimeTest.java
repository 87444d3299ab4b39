package io.gproxy.functions.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.gproxy.functions.SnapStartHooks;
import io.gproxy.http.Headers;
import io.gproxy.http.HttpRequest;
import io.gproxy.http.HttpResponse;
import io.gproxy.http.RequestHandler;
import io.gproxy.protocol.Json;
import org.crac.Context;
import org.crac.Resource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The streaming runtime against a fake Runtime API (spec/aws.md D1, D2): request headers, the prelude and its 8 NUL
 * bytes, one chunk per event as the handler produces it, error trailers after a mid-stream failure, the error
 * endpoint before the first byte, and the SnapStart handshake order including failing hooks.
 */
class StreamingRuntimeTest {
    private static final String EVENT = """
            {"version":"2.0","routeKey":"$default","rawPath":"/v1/chat/completions","rawQueryString":"a=1&b=two",
             "cookies":["c1=v1","c2=v2"],
             "headers":{"content-type":"application/json","authorization":"Bearer sk-test","x-multi":"v1,v2"},
             "requestContext":{"http":{"method":"POST","path":"/v1/chat/completions","sourceIp":"203.0.113.9"}},
             "body":"eyJzdHJlYW0iOnRydWV9","isBase64Encoded":true}""";

    private FakeRuntimeApi api;
    private Thread loop;

    @BeforeEach
    void start() throws Exception {
        api = new FakeRuntimeApi();
        SnapStartHooks.clear();
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
        if (loop != null) {
            loop.interrupt();
            loop.join(5000);
        }
        SnapStartHooks.clear();
    }

    @Test
    void streamsPreludeThenEachEventAsTheHandlerProducesIt() throws Exception {
        CountDownLatch secondEvent = new CountDownLatch(1);
        run(request -> HttpResponse.streaming(200, Headers.of("content-type", "text/event-stream"), sink -> {
            sink.write("data: first\n\n".getBytes(StandardCharsets.UTF_8));
            sink.flush();
            await(secondEvent);
            sink.write("data: second\n\n".getBytes(StandardCharsets.UTF_8));
            sink.flush();
        }));
        api.enqueue(EVENT);

        FakeRuntimeApi.Chunk prelude = api.awaitChunk(5, SECONDS);
        assertNotNull(prelude, "prelude arrived");
        byte[] p = prelude.data();
        assertArrayEquals(new byte[8], Arrays.copyOfRange(p, p.length - 8, p.length), "prelude ends with 8 NUL bytes");
        JsonNode preludeJson = Json.parse(Arrays.copyOf(p, p.length - 8));
        assertEquals(200, preludeJson.path("statusCode").asInt());
        assertEquals("text/event-stream", preludeJson.path("headers").path("content-type").asText());

        FakeRuntimeApi.Chunk first = api.awaitChunk(5, SECONDS);
        assertEquals("data: first\n\n", first.text(), "the first event arrives while the handler still holds the second");
        assertEquals(null, api.awaitChunk(200, TimeUnit.MILLISECONDS), "nothing more until the handler produces it");
        secondEvent.countDown();
        FakeRuntimeApi.Chunk second = api.awaitChunk(5, SECONDS);
        assertEquals("data: second\n\n", second.text());
        assertTrue(second.arrivedNanos() > first.arrivedNanos());

        FakeRuntimeApi.Call response = api.awaitInvocationResult(5, SECONDS);
        assertEquals("/invocation/req-1/response", response.path());
        assertEquals("streaming", response.header("Lambda-Runtime-Function-Response-Mode"));
        assertEquals("chunked", response.header("Transfer-Encoding"));
        assertEquals("application/vnd.awslambda.http-integration-response", response.header("Content-Type"));
        assertEquals("Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body", response.header("Trailer"),
                "trailers are declared up front");
        assertEquals(3, response.chunks().size(), "prelude, then one chunk per event");
        assertTrue(response.trailers().isEmpty(), "a successful stream sends no error trailers");
    }

    @Test
    void functionUrlEventBecomesTheRequestAndABufferedAnswerIsStreamedWhole() throws Exception {
        AtomicReference<HttpRequest> seen = new AtomicReference<>();
        run(request -> {
            seen.set(request);
            return HttpResponse.buffered(201, Headers.of("content-type", "application/json").add("set-cookie", "s=1"),
                    "{\"ok\":true}".getBytes(StandardCharsets.UTF_8));
        });
        api.enqueue(EVENT);
        FakeRuntimeApi.Call response = api.awaitInvocationResult(5, SECONDS);

        HttpRequest r = seen.get();
        assertEquals("POST", r.method());
        assertEquals("/v1/chat/completions", r.rawPath());
        assertEquals("two", r.query().first("b").orElseThrow());
        assertEquals("{\"stream\":true}", new String(r.body(), StandardCharsets.UTF_8), "base64 body decoded");
        assertEquals("Bearer sk-test", r.headers().firstOrNull("authorization"));
        assertEquals("c1=v1; c2=v2", r.headers().firstOrNull("cookie"));
        assertEquals("203.0.113.9", r.remoteAddress());

        byte[] body = response.body();
        int nul = indexOfNuls(body);
        JsonNode prelude = Json.parse(Arrays.copyOf(body, nul));
        assertEquals(201, prelude.path("statusCode").asInt());
        assertEquals("s=1", prelude.path("cookies").get(0).asText(), "Set-Cookie travels in the cookies array");
        assertEquals("{\"ok\":true}", new String(body, nul + 8, body.length - nul - 8, StandardCharsets.UTF_8));
    }

    @Test
    void aFailureAfterTheFirstByteIsReportedInTrailers() throws Exception {
        run(request -> HttpResponse.streaming(200, Headers.of("content-type", "text/event-stream"), sink -> {
            sink.write("data: partial\n\n".getBytes(StandardCharsets.UTF_8));
            sink.flush();
            throw new IllegalStateException("secret-bearing detail sk-live-123");
        }));
        api.enqueue(EVENT);
        FakeRuntimeApi.Call response = api.awaitInvocationResult(5, SECONDS);
        assertEquals("/invocation/req-1/response", response.path());
        assertEquals("Runtime.StreamError", response.trailers().get("lambda-runtime-function-error-type"));
        String errorBody = new String(Base64.getDecoder().decode(response.trailers().get("lambda-runtime-function-error-body")),
                StandardCharsets.UTF_8);
        assertEquals("Runtime.StreamError", Json.parse(errorBody.getBytes(StandardCharsets.UTF_8)).path("errorType").asText());
        assertFalse(errorBody.contains("sk-live-123"), "exception messages never leave the process");
        assertTrue(new String(response.body(), StandardCharsets.UTF_8).contains("data: partial"));
    }

    @Test
    void aFailureBeforeTheFirstByteGoesToTheErrorEndpoint() throws Exception {
        run(request -> {
            throw new IllegalStateException("boom");
        });
        api.enqueue(EVENT);
        FakeRuntimeApi.Call error = api.awaitInvocationResult(5, SECONDS);
        assertEquals("/invocation/req-1/error", error.path());
        assertEquals("Runtime.HandlerError", error.header("Lambda-Runtime-Function-Error-Type"));
        assertTrue(api.calls().stream().noneMatch(c -> c.path().endsWith("/response")), "no response was started");
    }

    @Test
    void snapStartRunsHooksAroundRestoreNextInOrderThenServes() throws Exception {
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        SnapStartHooks.register(hook("first", order, false, false));
        SnapStartHooks.register(hook("second", order, false, false));
        StreamingRuntime runtime = new StreamingRuntime(new RuntimeApiClient(api.hostPort()), handler(request -> null));
        assertTrue(runtime.initialise(true));
        assertEquals(List.of("before:second", "before:first", "after:first", "after:second"), order,
                "before-checkpoint in reverse registration order, after-restore in registration order");
        List<String> paths = api.calls().stream().map(FakeRuntimeApi.Call::path).toList();
        assertEquals(List.of("/restore/next"), paths, "restore/next between the two hook runs, nothing else yet");
    }

    @Test
    void aFailingBeforeCheckpointHookIsReportedAsAnInitError() throws Exception {
        SnapStartHooks.register(hook("bad", new ArrayList<>(), true, false));
        StreamingRuntime runtime = new StreamingRuntime(new RuntimeApiClient(api.hostPort()), handler(request -> null));
        assertFalse(runtime.initialise(true), "the process must exit");
        FakeRuntimeApi.Call call = api.calls().get(0);
        assertEquals("/init/error", call.path());
        assertEquals("Runtime.BeforeCheckpointError", call.header("Lambda-Runtime-Function-Error-Type"));
        assertTrue(api.calls().stream().noneMatch(c -> c.path().equals("/restore/next")), "no snapshot after a failed hook");
    }

    @Test
    void aFailingAfterRestoreHookIsReportedAsARestoreError() throws Exception {
        SnapStartHooks.register(hook("bad", new ArrayList<>(), false, true));
        StreamingRuntime runtime = new StreamingRuntime(new RuntimeApiClient(api.hostPort()), handler(request -> null));
        assertFalse(runtime.initialise(true));
        List<String> paths = api.calls().stream().map(FakeRuntimeApi.Call::path).toList();
        assertEquals(List.of("/restore/next", "/restore/error"), paths);
        assertEquals("Runtime.AfterRestoreError", api.calls().get(1).header("Lambda-Runtime-Function-Error-Type"));
    }

    @Test
    void withoutSnapStartNoHookRunsAndNoRestoreCallIsMade() throws Exception {
        List<String> order = new ArrayList<>();
        SnapStartHooks.register(hook("h", order, false, false));
        assertTrue(new StreamingRuntime(new RuntimeApiClient(api.hostPort()), handler(request -> null)).initialise(false));
        assertTrue(order.isEmpty());
        assertTrue(api.calls().isEmpty());
    }

    private void run(Function<HttpRequest, HttpResponse> handler) {
        StreamingRuntime runtime = new StreamingRuntime(new RuntimeApiClient(api.hostPort()), handler(handler));
        loop = Thread.ofPlatform().daemon().start(runtime::loop);
    }

    private static RequestHandler handler(Function<HttpRequest, HttpResponse> handler) {
        return new RequestHandler() {
            @Override
            public HttpResponse handle(HttpRequest request) {
                return handler.apply(request);
            }

            @Override
            public long maxBodyBytes() {
                return 1 << 20;
            }

            @Override
            public HttpResponse payloadTooLarge() {
                return HttpResponse.json(413, "{}");
            }
        };
    }

    private static Resource hook(String name, List<String> order, boolean failBefore, boolean failAfter) {
        return new Resource() {
            @Override
            public void beforeCheckpoint(Context<? extends Resource> context) {
                order.add("before:" + name);
                if (failBefore) {
                    throw new IllegalStateException("hook failed");
                }
            }

            @Override
            public void afterRestore(Context<? extends Resource> context) {
                order.add("after:" + name);
                if (failAfter) {
                    throw new IllegalStateException("hook failed");
                }
            }
        };
    }

    private static int indexOfNuls(byte[] body) {
        outer:
        for (int i = 0; i + 8 <= body.length; i++) {
            for (int j = 0; j < 8; j++) {
                if (body[i + j] != 0) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
