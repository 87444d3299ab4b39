package io.gproxy.functions.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gproxy.app.Gateway;
import io.gproxy.app.RuntimeConfig;
import io.gproxy.crypto.MasterKeyCipher;
import io.gproxy.http.FunctionGroup;
import io.gproxy.store.memory.MemoryConfigStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The streaming runtime with the real gateway pipeline behind it and a loopback upstream that streams Chat chunks:
 * each upstream event reaches the Runtime API as its own chunk while the upstream is still producing, and an
 * upstream that breaks mid-stream yields the protocol error frame for the client plus the error trailers; an upstream
 * slow to answer at all gets the response started (prelude, keepalives) before its first byte.
 */
class StreamingRuntimeGatewayTest {
    private static final String KEY = "sk-runtime-test-key-000000000000000000000000";

    private FakeRuntimeApi api;
    private HttpServer upstream;
    private final CountDownLatch releaseRest = new CountDownLatch(1);
    private final CountDownLatch releaseHeaders = new CountDownLatch(1);
    private volatile boolean breakMidStream;
    private volatile boolean slowHeaders;
    private final ByteArrayOutputStream requestLog = new ByteArrayOutputStream();
    private Thread loop;

    @BeforeEach
    void start() throws Exception {
        api = new FakeRuntimeApi();
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        upstream.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        upstream.createContext("/", this::chatStream);
        upstream.start();
    }

    /** The runtime loop on a gateway whose streams get keepalives after {@code keepaliveMillis} of silence. */
    private void startRuntime(long keepaliveMillis) throws Exception {
        startRuntime(keepaliveMillis, StreamingRuntime.DEADLINE_MARGIN);
    }

    private void startRuntime(long keepaliveMillis, java.time.Duration deadlineMargin) throws Exception {
        MasterKeyCipher cipher = MasterKeyCipher.fromBase64(MasterKeyCipher.generateKeyBase64());
        Gateway gateway = Gateway.builder()
                .config(RuntimeConfig.fromEnv(Map.of("GPROXY_STREAM_KEEPALIVE_MS", Long.toString(keepaliveMillis))))
                .store(new MemoryConfigStore()).cipher(cipher)
                .log(new PrintStream(requestLog, true, StandardCharsets.UTF_8)).build();
        gateway.importer().importBundle(("""
                {"orgs":[{"id":1,"name":"o"}],"users":[{"id":1,"name":"u","org_id":1}],
                 "user_keys":[{"id":1,"user_id":1,"api_key":"%s"}],
                 "route_permissions":[{"id":1,"scope":"org","scope_id":1,"route_pattern":"*"}],
                 "providers":[{"id":1,"name":"openai","channel":"openai","settings_json":{"base_url":"http://127.0.0.1:%d"}}],
                 "credentials":[{"id":1,"provider_id":1,"secret_json":{"api_key":"sk-upstream"}}]}
                """.formatted(KEY, upstream.getAddress().getPort())).getBytes(StandardCharsets.UTF_8));
        StreamingRuntime runtime = new StreamingRuntime(new RuntimeApiClient(api.hostPort()),
                gateway.handler(EnumSet.of(FunctionGroup.GENERATE_CONTENT)), deadlineMargin);
        loop = Thread.ofPlatform().daemon().start(runtime::loop);
    }

    @AfterEach
    void stop() throws Exception {
        releaseRest.countDown();
        releaseHeaders.countDown();
        api.close();
        upstream.stop(0);
        if (loop != null) {
            loop.interrupt();
        }
    }

    @Test
    void eventsReachTheRuntimeApiOneByOneWhileTheUpstreamStreams() throws Exception {
        startRuntime(15_000);
        api.enqueue(event());
        FakeRuntimeApi.Chunk prelude = api.awaitChunk(10, SECONDS);
        assertNotNull(prelude);
        assertTrue(prelude.text().startsWith("{\"statusCode\":200"), prelude.text());
        FakeRuntimeApi.Chunk first = api.awaitChunk(10, SECONDS);
        assertTrue(first.text().contains("\"content\":\"Hel\""), first.text());
        assertNull(api.awaitChunk(300, TimeUnit.MILLISECONDS), "the rest is still held by the upstream");
        releaseRest.countDown();

        FakeRuntimeApi.Call response = api.awaitInvocationResult(10, SECONDS);
        String body = new String(response.body(), StandardCharsets.UTF_8);
        assertTrue(body.contains("\"content\":\"lo\"") && body.endsWith("data: [DONE]\n\n"), body);
        assertTrue(response.trailers().isEmpty());
    }

    @Test
    void anUpstreamBreakingMidStreamGivesTheErrorFrameAndTrailers() throws Exception {
        startRuntime(15_000);
        breakMidStream = true;
        releaseRest.countDown();
        api.enqueue(event());
        FakeRuntimeApi.Call response = api.awaitInvocationResult(10, SECONDS);
        String body = new String(response.body(), StandardCharsets.UTF_8);
        assertTrue(body.contains("\"content\":\"Hel\""), body);
        assertTrue(body.endsWith("data: {\"error\":{\"type\":\"upstream_error\",\"message\":\"upstream request failed\"}}\n\ndata: [DONE]\n\n"),
                "one Chat-shaped error frame closes the client's stream: " + body);
        assertEquals("Upstream.StreamError", response.trailers().get("lambda-runtime-function-error-type"));
        assertTrue(new String(Base64.getDecoder().decode(response.trailers().get("lambda-runtime-function-error-body")),
                StandardCharsets.UTF_8).contains("Upstream.StreamError"));
    }

    @Test
    void anUpstreamSlowToAnswerGetsThePreludeAndKeepalivesFirst() throws Exception {
        startRuntime(100);
        slowHeaders = true;
        releaseRest.countDown();
        api.enqueue(event());
        FakeRuntimeApi.Chunk prelude = api.awaitChunk(10, SECONDS);
        assertNotNull(prelude, "the response started before the upstream answered");
        assertTrue(prelude.text().startsWith("{\"statusCode\":200"), prelude.text());
        StringBuilder early = new StringBuilder();
        for (FakeRuntimeApi.Chunk c; (c = api.awaitChunk(300, TimeUnit.MILLISECONDS)) != null && early.length() < 26; ) {
            early.append(c.text());
        }
        assertTrue(early.toString().startsWith(": keepalive\n\n: keepalive\n\n"), "keepalives while waiting: " + early);
        releaseHeaders.countDown();

        FakeRuntimeApi.Call response = api.awaitInvocationResult(10, SECONDS);
        String body = new String(response.body(), StandardCharsets.UTF_8);
        assertTrue(body.contains("\"content\":\"Hel\"") && body.endsWith("data: [DONE]\n\n"), body);
        assertTrue(response.trailers().isEmpty());
    }

    @Test
    void aStreamStillRunningNearTheDeadlineIsEndedAndSettledInsideTheInvocation() throws Exception {
        startRuntime(15_000, java.time.Duration.ofMillis(500));
        api.timeLimit(java.time.Duration.ofMillis(1_500)); // the upstream holds the rest far longer than that
        api.enqueue(event());
        FakeRuntimeApi.Call response = api.awaitInvocationResult(10, SECONDS);
        String body = new String(response.body(), StandardCharsets.UTF_8);
        assertTrue(body.contains("\"content\":\"Hel\""), body);
        assertTrue(body.endsWith("data: {\"error\":{\"type\":\"upstream_error\",\"message\":\"upstream request failed\"}}\n\ndata: [DONE]\n\n"),
                "the client's stream ends with its error frame: " + body);
        assertEquals("Upstream.StreamError", response.trailers().get("lambda-runtime-function-error-type"));
        String line = awaitLogLine();
        assertTrue(line.contains("\"ended\":\"interrupted\""), "settled as interrupted before the deadline: " + line);
    }

    @Test
    void aStreamStillWaitingForItsUpstreamNearTheDeadlineGetsATimeoutErrorAndIsReleased() throws Exception {
        startRuntime(100, java.time.Duration.ofMillis(500));
        api.timeLimit(java.time.Duration.ofMillis(1_500));
        slowHeaders = true; // the upstream never answers in time
        api.enqueue(event());
        FakeRuntimeApi.Call response = api.awaitInvocationResult(10, SECONDS);
        String whole = new String(response.body(), StandardCharsets.UTF_8);
        String body = whole.substring(whole.lastIndexOf('\u0000') + 1); // after the prelude and its 8 NUL bytes
        assertTrue(body.startsWith(": keepalive\n\n"), "started with keepalives: " + body);
        assertTrue(body.contains("\"code\":\"504\"") && body.contains("ran out of time") && body.endsWith("data: [DONE]\n\n"),
                "the client's stream ends with an error saying why: " + body);
        assertEquals("Upstream.StreamError", response.trailers().get("lambda-runtime-function-error-type"));
        String line = awaitLogLine();
        assertTrue(line.contains("\"status\":200") && !line.contains("\"ended\":\"complete\""), line);
    }

    /** The request's log line, written by the completion hooks after the settlement. */
    private String awaitLogLine() throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            for (String l : requestLog.toString(StandardCharsets.UTF_8).split("\n")) {
                if (l.contains("\"type\":\"request\"")) {
                    return l;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no request log line: " + requestLog.toString(StandardCharsets.UTF_8));
    }

    private String event() {
        String body = Base64.getEncoder().encodeToString(
                "{\"model\":\"openai/gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
                        .getBytes(StandardCharsets.UTF_8));
        return """
                {"version":"2.0","rawPath":"/v1/chat/completions","rawQueryString":"",
                 "headers":{"authorization":"Bearer %s","content-type":"application/json"},
                 "requestContext":{"http":{"method":"POST","path":"/v1/chat/completions","sourceIp":"127.0.0.1"}},
                 "body":"%s","isBase64Encoded":true}""".formatted(KEY, body);
    }

    /** A Chat upstream: one event, then (held until released) the rest, or a connection cut mid-stream. */
    private void chatStream(HttpExchange x) throws IOException {
        x.getRequestBody().readAllBytes();
        if (slowHeaders) {
            try {
                releaseHeaders.await(10, SECONDS); // a model that takes its time before answering at all
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        x.getResponseHeaders().add("content-type", "text/event-stream");
        x.sendResponseHeaders(200, 0);
        OutputStream out = x.getResponseBody();
        write(out, "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"finish_reason\":null}]}");
        try {
            releaseRest.await(10, SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (breakMidStream) {
            x.getHttpContext().getServer().stop(0); // drop the connection without finishing the chunked body
            return;
        }
        write(out, "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}");
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        out.close();
    }

    private static void write(OutputStream out, String json) throws IOException {
        out.write(("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
