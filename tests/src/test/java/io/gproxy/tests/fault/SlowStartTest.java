package io.gproxy.tests.fault;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.MessageCreateParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.gproxy.app.RuntimeConfig;
import io.gproxy.tests.e2e.GatewayFixture;
import io.gproxy.tests.mock.MockUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Streams whose upstream is slow to answer (DESIGN §3: keepalives while waiting for the first upstream byte, so
 * CloudFront's 30 s origin read timeout does not cut a slow start off). After one keepalive interval without an
 * answer the client's stream is started (200, keepalives); failover goes on behind the keepalives; an answer that
 * turns out to be an error ends the stream with the protocol's error frame carrying the upstream's message. Each case
 * checks the books as the fault suite does. Answers ready within the interval keep their own status.
 */
class SlowStartTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long KEEPALIVE_MS = 150;
    /** Well past the keepalive interval, far below the upstream timeout. */
    private static final Duration SLOW = Duration.ofMillis(700);

    private static GatewayFixture gw;
    private static Books books;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Each client protocol on its own provider's native API (passthrough), Gemini in both of its stream framings. */
    enum Native {
        CHAT(ClientProtocol.CHAT, "openai/gpt-4o-mini", "data: [DONE]"),
        RESPONSES(ClientProtocol.RESPONSES, "openai/gpt-4o-mini", "response.completed"),
        CLAUDE(ClientProtocol.CLAUDE, "anthropic/claude-sonnet-4-5", "message_stop"),
        GEMINI_SSE(ClientProtocol.GEMINI, "gemini/gemini-2.5-flash", "finishReason"),
        GEMINI_ARRAY(ClientProtocol.GEMINI, "gemini/gemini-2.5-flash", "finishReason");

        final ClientProtocol protocol;
        final String model;
        final String streamEnd;

        Native(ClientProtocol protocol, String model, String streamEnd) {
            this.protocol = protocol;
            this.model = model;
            this.streamEnd = streamEnd;
        }

        String path() {
            String p = protocol.path(model, true);
            return this == GEMINI_ARRAY ? p.replace("?alt=sse", "") : p;
        }

        MockUpstream upstream() {
            return switch (this) {
                case CHAT, RESPONSES -> gw.openAi;
                case CLAUDE -> gw.anthropic;
                case GEMINI_SSE, GEMINI_ARRAY -> gw.gemini;
            };
        }

        String keepalive() {
            return this == GEMINI_ARRAY ? "\n" : ": keepalive\n\n";
        }
    }

    @BeforeAll
    static void start() throws Exception {
        gw = new GatewayFixture(Map.of("GPROXY_STREAM_KEEPALIVE_MS", Long.toString(KEEPALIVE_MS))).start();
        books = new Books(gw.server().dynamoEndpoint(), RuntimeConfig.DEFAULT_TABLE);
    }

    @AfterAll
    static void stop() throws Exception {
        books.close();
        gw.close();
    }

    @BeforeEach
    void reset() {
        for (MockUpstream m : new MockUpstream[] {gw.openAi, gw.anthropic, gw.gemini}) {
            m.delay(Duration.ZERO, Duration.ZERO);
            m.clear();
        }
        for (long credential = 1; credential <= 3; credential++) { // one case's 429 cooldown must not decide the next
            gw.server().gateway().credentialHealth().reset(credential, java.time.Instant.now());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Native.class)
    void aSlowUpstreamGetsTheStreamStartedThenServesIt(Native n) throws Exception {
        n.upstream().delay(SLOW, Duration.ZERO);
        Map<String, Long> before = books.aliceTotal();
        HttpResponse<String> r = send(n.path(), n.protocol.body(n.model, true), n.protocol.aliceAuth());
        String what = n + " -> " + r.statusCode() + " " + r.body();
        assertEquals(200, r.statusCode(), what);
        assertTrue(r.body().startsWith(n.keepalive() + n.keepalive()), what + ": keepalives while the upstream was slow");
        assertTrue(r.body().contains("Hello"), what + ": the reply");
        assertTrue(r.body().contains(n.streamEnd), what + ": ends as its protocol ends");
        if (n == Native.GEMINI_ARRAY) {
            JsonNode array = JSON.readTree(r.body()); // whitespace before the array is JSON whitespace
            assertTrue(array.isArray() && array.size() > 0, what + ": one JSON array");
        }
        Map<String, AttributeValue> rec = books.awaitRecord(requestId(r), what);
        assertEquals("complete", rec.get("ended").s(), what);
        assertEquals("upstream", rec.get("usage_source").s(), what);
        assertEquals(Integer.toString(MockUpstream.OUTPUT_TOKENS), rec.get("output_tokens").n(), what);
        assertEquals(Long.parseLong(rec.get("cost_micros").n()), books.awaitSettled(before, what), what + ": billed once");
    }

    @Test
    void failoverGoesOnBehindTheKeepalives() throws Exception {
        // route "fast": gemini in tier 0, openai in tier 1; gemini takes its time and then fails
        gw.gemini.delay(SLOW, Duration.ZERO);
        gw.gemini.failNext(503);
        HttpResponse<String> r = fastRouteServedByItsSecondMember();
        assertFalse(r.body().contains("\"error\""), "the failed attempt left no trace in the stream: " + r.body());
    }

    @Test
    void anErrorFirstEventAfterTheModelThoughtStillFailsOver() throws Exception {
        // gemini answers 200 at once, thinks, then sends an error as its first event: nothing reached the client but
        // keepalives, so the next member can still serve it (spec/peers.md C #11, beyond the first seconds)
        gw.gemini.delay(Duration.ZERO, SLOW);
        gw.gemini.streamNext("data: {\"error\":{\"code\":429,\"message\":\"Resource has been exhausted\","
                + "\"status\":\"RESOURCE_EXHAUSTED\"}}\n\n");
        HttpResponse<String> r = fastRouteServedByItsSecondMember();
        assertFalse(r.body().contains("exhausted"), "the failed attempt left no trace in the stream: " + r.body());
    }

    /**
     * A Chat stream on route "fast" (gemini in tier 0, openai in tier 1) whose tier-0 attempt failed behind the
     * keepalives: started with a keepalive, served whole by openai, one complete usage record billed once.
     */
    private HttpResponse<String> fastRouteServedByItsSecondMember() throws Exception {
        Map<String, Long> before = books.aliceTotal();
        HttpResponse<String> r = send("/v1/chat/completions", ClientProtocol.CHAT.body("fast", true),
                ClientProtocol.CHAT.aliceAuth());
        String what = "fast -> " + r.statusCode() + " " + r.body();
        assertEquals(200, r.statusCode(), what);
        assertTrue(r.body().startsWith(": keepalive\n\n"), what);
        assertTrue(r.body().contains("Hello") && r.body().contains("gpt-4o-mini")
                && r.body().endsWith("data: [DONE]\n\n"), what + ": the next member served it");
        assertEquals(1, gw.gemini.requests().size(), what);
        assertEquals(1, gw.openAi.requests().size(), what);
        Map<String, AttributeValue> rec = books.awaitRecord(requestId(r), what);
        assertEquals("openai", rec.get("provider").s(), what);
        assertEquals("complete", rec.get("ended").s(), what);
        assertEquals(Long.parseLong(rec.get("cost_micros").n()), books.awaitSettled(before, what), what);
        return r;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Native.class)
    void aSlowErrorEndsTheStartedStreamWithTheProtocolsErrorFrame(Native n) throws Exception {
        n.upstream().delay(SLOW, Duration.ZERO);
        n.upstream().failNext(429);
        Map<String, Long> before = books.aliceTotal();
        HttpResponse<String> r = send(n.path(), n.protocol.body(n.model, true), n.protocol.aliceAuth());
        String what = n + " -> " + r.statusCode() + " " + r.body();
        assertEquals(200, r.statusCode(), what + ": the status went out with the first keepalive");
        String body = r.body();
        assertTrue(body.startsWith(n.keepalive()), what);
        JsonNode error = errorOf(n, body.substring(body.lastIndexOf(n.keepalive()) + n.keepalive().length()));
        assertTrue(error.path("message").asText().contains("Injected failure 429"), what + ": the upstream's message");
        switch (n) {
            case CHAT -> {
                assertEquals("rate_limit_error", error.path("type").asText(), what);
                assertTrue(body.endsWith("data: [DONE]\n\n"), what);
            }
            case RESPONSES -> assertEquals("rate_limit_exceeded", error.path("code").asText(), what);
            case CLAUDE -> assertEquals("rate_limit_error", error.path("type").asText(), what);
            case GEMINI_SSE, GEMINI_ARRAY -> {
                assertEquals(429, error.path("code").asInt(), what);
                assertEquals("RESOURCE_EXHAUSTED", error.path("status").asText(), what);
            }
        }
        UpstreamFaultTest.assertNothingLeaks(r, what);
        assertEquals(0, books.awaitSettled(before, what), what + ": nothing spent");
        assertEquals(0, Books.delta(before, books.aliceTotal(), "committed"), what + ": reservation released");
        assertTrue(books.usage(requestId(r)).isEmpty(), what + ": no usage record for what was not served");
    }

    @Test
    void aClientThatLeavesWhileWaitingReleasesItsReservation() throws Exception {
        gw.openAi.delay(Duration.ofMillis(1500), Duration.ZERO);
        Map<String, Long> before = books.aliceTotal();
        HttpResponse<InputStream> r = client.send(request("/v1/chat/completions",
                ClientProtocol.CHAT.body("openai/gpt-4o-mini", true), ClientProtocol.CHAT.aliceAuth()),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        byte[] first = r.body().readNBytes(": keepalive\n\n".length());
        assertEquals(": keepalive\n\n", new String(first, StandardCharsets.US_ASCII));
        r.body().close(); // the client gives up before the upstream answers
        String what = "left while waiting";
        assertEquals(0, books.awaitSettled(before, what), what + ": nothing spent");
        assertEquals(0, Books.delta(before, books.aliceTotal(), "committed"), what + ": reservation released");
        assertTrue(books.usage(requestId(r)).isEmpty(), what + ": no usage record");
    }

    @Test
    void answersReadyWithinTheIntervalKeepTheirStatus() throws Exception {
        gw.openAi.failNext(429);
        HttpResponse<String> r = send("/v1/chat/completions", ClientProtocol.CHAT.body("openai/gpt-4o-mini", true),
                ClientProtocol.CHAT.aliceAuth());
        assertEquals(429, r.statusCode(), r.body());
        assertFalse(r.body().contains("keepalive"), r.body());
    }

    @Test
    void bufferedRequestsAreNeverStartedEarly() throws Exception {
        gw.openAi.delay(SLOW, Duration.ZERO);
        gw.openAi.failNext(429);
        HttpResponse<String> r = send("/v1/chat/completions", ClientProtocol.CHAT.body("openai/gpt-4o-mini", false),
                ClientProtocol.CHAT.aliceAuth());
        assertEquals(429, r.statusCode(), r.body());
        reset(); // the 429 cooled the credential
        gw.openAi.delay(SLOW, Duration.ZERO);
        HttpResponse<String> ok = send("/v1/chat/completions", ClientProtocol.CHAT.body("openai/gpt-4o-mini", false),
                ClientProtocol.CHAT.aliceAuth());
        assertEquals(200, ok.statusCode(), ok.body());
        assertTrue(ok.body().startsWith("{"), ok.body());
    }

    @Test
    void theOpenAiSdkReadsASlowStartedStream() {
        gw.openAi.delay(SLOW, Duration.ZERO);
        OpenAIClient sdk = OpenAIOkHttpClient.builder().apiKey(GatewayFixture.ALICE_KEY).baseUrl(gw.baseUrl() + "/v1")
                .maxRetries(0).build();
        try {
            StringBuilder text = new StringBuilder();
            try (var stream = sdk.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                    .model("openai/gpt-4o-mini").addUserMessage("hi").build())) {
                stream.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
            }
            assertEquals("Hello from openai model gpt-4o-mini", text.toString());
        } finally {
            sdk.close();
        }
    }

    @Test
    void theAnthropicSdkSeesTheUpstreamsErrorInASlowStartedStream() {
        gw.anthropic.delay(SLOW, Duration.ZERO);
        gw.anthropic.failNext(529);
        AnthropicClient sdk = AnthropicOkHttpClient.builder().apiKey(GatewayFixture.ALICE_KEY).baseUrl(gw.baseUrl())
                .maxRetries(0).build();
        try {
            RuntimeException e = assertThrows(RuntimeException.class, () -> {
                try (var stream = sdk.messages().createStreaming(MessageCreateParams.builder()
                        .model("anthropic/claude-sonnet-4-5").maxTokens(50).addUserMessage("hi").build())) {
                    stream.stream().forEach(event -> { });
                }
            });
            assertTrue(String.valueOf(e.getMessage()).contains("Injected failure 529")
                    || String.valueOf(e).contains("overloaded_error"), "the SDK names the upstream's error: " + e);
        } finally {
            sdk.close();
        }
    }

    /** The error object of the one error frame (SSE data line, or the Gemini array's one element). */
    private static JsonNode errorOf(Native n, String frame) throws Exception {
        if (n == Native.GEMINI_ARRAY) {
            return JSON.readTree(frame).path(0).path("error");
        }
        String data = frame.lines().filter(l -> l.startsWith("data: {")).findFirst().orElseThrow(
                () -> new AssertionError("no data line in " + frame)).substring("data: ".length());
        JsonNode node = JSON.readTree(data);
        return switch (n) {
            case RESPONSES -> node.path("response").path("error");
            default -> node.path("error");
        };
    }

    private HttpResponse<String> send(String path, String body, String... headers) throws Exception {
        return client.send(request(path, body, headers), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String path, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b.build();
    }

    private static String requestId(HttpResponse<?> r) {
        return r.headers().firstValue("x-gproxy-request-id").orElseThrow();
    }
}
