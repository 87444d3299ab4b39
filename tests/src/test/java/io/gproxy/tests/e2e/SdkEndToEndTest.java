package io.gproxy.tests.e2e;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import io.gproxy.tests.mock.MockUpstream;
import io.gproxy.tests.mock.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static io.gproxy.tests.e2e.GatewayFixture.ALICE_KEY;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The official SDKs against the local gateway, which forwards to the mock upstreams: non-stream and stream for
 * OpenAI Chat, OpenAI Responses, Anthropic Messages and Gemini generateContent. Each test checks the text the SDK
 * got, that the upstream saw its own credential and the upstream model id (never the gateway key), and for streams
 * that events reached the SDK while the upstream was still paused mid-stream.
 */
class SdkEndToEndTest {
    private static GatewayFixture gw;
    private static OpenAIClient openAi;
    private static AnthropicClient anthropic;
    private static Client gemini;

    @BeforeAll
    static void start() throws Exception {
        gw = new GatewayFixture().start();
        openAi = OpenAIOkHttpClient.builder().apiKey(ALICE_KEY).baseUrl(gw.baseUrl() + "/v1").maxRetries(0).build();
        anthropic = AnthropicOkHttpClient.builder().apiKey(ALICE_KEY).baseUrl(gw.baseUrl()).maxRetries(0).build();
        gemini = Client.builder().apiKey(ALICE_KEY).httpOptions(HttpOptions.builder().baseUrl(gw.baseUrl()).build()).build();
    }

    @AfterAll
    static void stop() throws Exception {
        openAi.close();
        anthropic.close();
        gemini.close();
        gw.close();
    }

    @BeforeEach
    void clear() {
        gw.clearMocks();
    }

    // ------------------------------------------------------------------ OpenAI Chat Completions

    @Test
    void openAiChatThroughProviderSlashModel() {
        ChatCompletion c = openAi.chat().completions().create(chat("openai/gpt-4o-mini"));
        assertEquals("Hello from openai model gpt-4o-mini", c.choices().get(0).message().content().orElseThrow());
        RecordedRequest r = gw.openAi.lastRequest();
        assertEquals("/v1/chat/completions", r.path());
        assertEquals("gpt-4o-mini", r.json().path("model").asText());
        assertUpstreamCredential(r, "authorization", "Bearer " + GatewayFixture.OPENAI_UPSTREAM_KEY);
    }

    @Test
    void openAiChatThroughGlobalAlias() {
        ChatCompletion c = openAi.chat().completions().create(chat("gpt-4o-mini-2024-07-18"));
        assertEquals("Hello from openai model gpt-4o-mini", c.choices().get(0).message().content().orElseThrow());
    }

    @Test
    void openAiChatStream() {
        gw.openAi.gate().arm(2); // role chunk + first content chunk, then the upstream pauses
        StringBuilder text = new StringBuilder();
        try (var stream = openAi.chat().completions().createStreaming(chat("openai/gpt-4o-mini"))) {
            Iterator<String> deltas = stream.stream()
                    .map(chunk -> chunk.choices().isEmpty() ? "" : chunk.choices().get(0).delta().content().orElse(""))
                    .iterator();
            readFirstDeltaWhileUpstreamPaused(gw.openAi, deltas, text);
        }
        assertEquals("Hello from openai model gpt-4o-mini", text.toString());
        RecordedRequest r = gw.openAi.lastRequest();
        assertTrue(r.json().path("stream").asBoolean());
        assertTrue(r.json().path("stream_options").path("include_usage").asBoolean(), "gateway asks for usage");
        assertEquals("gpt-4o-mini", r.json().path("model").asText());
        assertUpstreamCredential(r, "authorization", "Bearer " + GatewayFixture.OPENAI_UPSTREAM_KEY);
    }

    // ------------------------------------------------------------------ OpenAI Responses

    @Test
    void openAiResponses() {
        Response resp = openAi.responses().create(ResponseCreateParams.builder().model("openai/gpt-4o-mini").input("hi").build());
        assertEquals("Hello from openai model gpt-4o-mini",
                resp.output().get(0).message().orElseThrow().content().get(0).outputText().orElseThrow().text());
        RecordedRequest r = gw.openAi.lastRequest();
        assertEquals("/v1/responses", r.path());
        assertEquals("gpt-4o-mini", r.json().path("model").asText());
        assertUpstreamCredential(r, "authorization", "Bearer " + GatewayFixture.OPENAI_UPSTREAM_KEY);
    }

    @Test
    void openAiResponsesStream() {
        gw.openAi.gate().arm(5); // created, in_progress, item added, part added, first delta
        StringBuilder text = new StringBuilder();
        ResponseCreateParams params = ResponseCreateParams.builder().model("openai/gpt-4o-mini").input("hi").build();
        try (var stream = openAi.responses().createStreaming(params)) {
            Iterator<String> deltas = stream.stream()
                    .map(e -> e.outputTextDelta().map(d -> d.delta()).orElse(""))
                    .iterator();
            readFirstDeltaWhileUpstreamPaused(gw.openAi, deltas, text);
        }
        assertEquals("Hello from openai model gpt-4o-mini", text.toString());
        assertUpstreamCredential(gw.openAi.lastRequest(), "authorization", "Bearer " + GatewayFixture.OPENAI_UPSTREAM_KEY);
    }

    // ------------------------------------------------------------------ Anthropic Messages

    @Test
    void anthropicMessagesThroughRoute() {
        Message m = anthropic.messages().create(claude("smart"));
        assertEquals("Hello from anthropic model claude-sonnet-4-5", m.content().get(0).text().orElseThrow().text());
        RecordedRequest r = gw.anthropic.lastRequest();
        assertEquals("/v1/messages", r.path());
        assertEquals("claude-sonnet-4-5", r.json().path("model").asText());
        assertUpstreamCredential(r, "x-api-key", GatewayFixture.ANTHROPIC_UPSTREAM_KEY);
        assertTrue(r.header("anthropic-version") != null, "anthropic-version forwarded");
    }

    @Test
    void anthropicMessagesStream() {
        gw.anthropic.gate().arm(4); // message_start, content_block_start, ping, first delta
        StringBuilder text = new StringBuilder();
        try (var stream = anthropic.messages().createStreaming(claude("anthropic/claude-sonnet-4-5"))) {
            Iterator<String> deltas = stream.stream()
                    .map(e -> e.contentBlockDelta().flatMap(d -> d.delta().text()).map(t -> t.text()).orElse(""))
                    .iterator();
            readFirstDeltaWhileUpstreamPaused(gw.anthropic, deltas, text);
        }
        assertEquals("Hello from anthropic model claude-sonnet-4-5", text.toString());
        assertUpstreamCredential(gw.anthropic.lastRequest(), "x-api-key", GatewayFixture.ANTHROPIC_UPSTREAM_KEY);
    }

    // ------------------------------------------------------------------ Gemini generateContent

    @Test
    void geminiGenerateContentThroughRoute() {
        GenerateContentResponse resp = gemini.models.generateContent("fast", "hi", null);
        assertEquals("Hello from gemini model gemini-2.5-flash", resp.text());
        RecordedRequest r = gw.gemini.lastRequest();
        assertTrue(r.path().endsWith("/models/gemini-2.5-flash:generateContent"), r.path());
        assertUpstreamCredential(r, "x-goog-api-key", GatewayFixture.GEMINI_UPSTREAM_KEY);
    }

    @Test
    void geminiGenerateContentProviderSlashModel() {
        GenerateContentResponse resp = gemini.models.generateContent("gemini/gemini-2.5-flash", "hi", null);
        assertEquals("Hello from gemini model gemini-2.5-flash", resp.text());
    }

    @Test
    void geminiStreamGenerateContent() {
        gw.gemini.gate().arm(1);
        StringBuilder text = new StringBuilder();
        try (ResponseStream<GenerateContentResponse> stream = gemini.models.generateContentStream("fast", "hi", null)) {
            Iterator<String> deltas = map(stream.iterator(), GenerateContentResponse::text);
            readFirstDeltaWhileUpstreamPaused(gw.gemini, deltas, text);
        }
        assertEquals("Hello from gemini model gemini-2.5-flash", text.toString());
        RecordedRequest r = gw.gemini.lastRequest();
        assertTrue(r.path().endsWith("/models/gemini-2.5-flash:streamGenerateContent"), r.path());
        assertEquals("alt=sse", r.rawQuery());
        assertUpstreamCredential(r, "x-goog-api-key", GatewayFixture.GEMINI_UPSTREAM_KEY);
    }

    // ------------------------------------------------------------------ model listing

    @Test
    void modelListingServedByTheGateway() {
        List<String> ids = openAi.models().list().data().stream().map(m -> m.id()).toList();
        assertTrue(ids.containsAll(List.of("fast", "smart", "openai/gpt-4o-mini", "anthropic/claude-sonnet-4-5",
                "gemini/gemini-2.5-flash")), ids.toString());
        assertEquals(0, gw.upstreamRequestCount(), "listing needs no upstream");
    }

    @Test
    void modelListingInEachFamily() {
        List<String> claudeIds = anthropic.models().list().data().stream().map(m -> m.id()).toList();
        assertTrue(claudeIds.contains("anthropic/claude-sonnet-4-5"), claudeIds.toString());
        List<String> geminiNames = new java.util.ArrayList<>();
        gemini.models.list(null).forEach(m -> geminiNames.add(m.name().orElseThrow()));
        assertTrue(geminiNames.contains("models/fast"), geminiNames.toString());
        assertEquals(0, gw.upstreamRequestCount(), "listing needs no upstream");
    }

    // ------------------------------------------------------------------ scoped /{provider}/v1/... paths

    @Test
    void scopedPathsAddressOneProviderWithItsOwnModelIds() {
        AnthropicClient scopedClaude = AnthropicOkHttpClient.builder().apiKey(ALICE_KEY)
                .baseUrl(gw.baseUrl() + "/anthropic").maxRetries(0).build();
        try {
            Message m = scopedClaude.messages().create(claude("claude-opus-4-1"));
            assertEquals("Hello from anthropic model claude-opus-4-1", m.content().get(0).text().orElseThrow().text());
        } finally {
            scopedClaude.close();
        }
        OpenAIClient scopedOpenAi = OpenAIOkHttpClient.builder().apiKey(ALICE_KEY)
                .baseUrl(gw.baseUrl() + "/openai/v1").maxRetries(0).build();
        try {
            ChatCompletion c = scopedOpenAi.chat().completions().create(chat("gpt-4.1"));
            assertEquals("Hello from openai model gpt-4.1", c.choices().get(0).message().content().orElseThrow());
            assertEquals("/v1/chat/completions", gw.openAi.lastRequest().path());
        } finally {
            scopedOpenAi.close();
        }
    }

    @Test
    void geminiJsonArrayStreamWithoutAltSse() throws Exception {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(gw.baseUrl() + "/v1beta/models/fast:streamGenerateContent"))
                        .header("x-goog-api-key", ALICE_KEY)
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}"))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"));
        com.fasterxml.jackson.databind.JsonNode array = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
        assertTrue(array.isArray() && array.size() >= 5, r.body());
        assertNull(gw.gemini.lastRequest().rawQuery(), "no alt=sse invented, no key forwarded");
    }

    // ------------------------------------------------------------------ helpers

    private static ChatCompletionCreateParams chat(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("hi").build();
    }

    private static MessageCreateParams claude(String model) {
        return MessageCreateParams.builder().model(model).maxTokens(64).addUserMessage("hi").build();
    }

    /**
     * Reads deltas until the first non-empty one, asserts the upstream is still paused (so the event travelled
     * through the gateway on its own, not with the rest of the stream), then releases the upstream and reads the rest.
     */
    private static void readFirstDeltaWhileUpstreamPaused(MockUpstream mock, Iterator<String> deltas, StringBuilder text) {
        String first = "";
        while (first.isEmpty() && deltas.hasNext()) {
            first = deltas.next();
        }
        assertFalse(first.isEmpty(), "a content delta arrived");
        assertTrue(mock.gate().awaitPaused(5, SECONDS), "upstream paused after its first events");
        assertFalse(mock.gate().finished(), "the SDK got a delta before the upstream finished its stream");
        text.append(first);
        mock.gate().release();
        deltas.forEachRemaining(text::append);
        // the client can read the last event a moment before the mock marks its stream finished
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!mock.gate().finished() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue(mock.gate().finished());
    }

    /** The upstream got its own credential, and no trace of the client's gateway key in any header. */
    private static void assertUpstreamCredential(RecordedRequest r, String header, String expected) {
        assertEquals(expected, r.header(header));
        for (Map.Entry<String, List<String>> h : r.headers().entrySet()) {
            for (String v : h.getValue()) {
                assertFalse(v.contains(ALICE_KEY), "gateway key leaked upstream in header " + h.getKey());
            }
        }
        assertFalse(r.rawQuery() != null && r.rawQuery().contains(ALICE_KEY), "gateway key leaked upstream in the query");
        assertNull(r.header("cookie"));
    }

    private static <T> Iterator<String> map(Iterator<T> it, Function<T, String> f) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public String next() {
                String s = f.apply(it.next());
                return s == null ? "" : s;
            }
        };
    }
}
