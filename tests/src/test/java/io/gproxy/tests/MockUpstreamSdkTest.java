package io.gproxy.tests;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.errors.ApiException;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.GenerateContentResponseUsageMetadata;
import com.google.genai.types.HttpOptions;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.ObjectMappers;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import io.gproxy.tests.mock.MockAnthropic;
import io.gproxy.tests.mock.MockGemini;
import io.gproxy.tests.mock.MockOpenAi;
import io.gproxy.tests.mock.MockUpstream;
import io.gproxy.tests.mock.RecordedRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Proves the mock upstreams speak the real wire formats: the OFFICIAL SDKs, pointed straight at them,
 * parse (and {@code validate()}) every response, non-stream and stream.
 *
 * <p>What the SDKs were observed to send (these facts are also asserted below):
 * <ul>
 * <li>openai-java 4.101.0: {@code Authorization: Bearer <key>}; paths /v1/chat/completions, /v1/responses,
 *     /v1/models (base URL given with the /v1 suffix); user-agent "OpenAIClientImpl/Java 4.101.0", plus
 *     x-stainless-* headers (retry count, timeout, os, runtime). Streams send {@code Accept: text/event-stream}.
 *     Responses usage needs {@code input_tokens_details.cache_write_tokens} for validate() in this version.</li>
 * <li>anthropic-java 3.12.0 with {@code apiKey(..)}: sends {@code Authorization: Bearer <key>} and NO
 *     x-api-key (it only adds Bearer when neither X-Api-Key nor Authorization is already set);
 *     {@code anthropic-version: 2026-10-21}; user-agent "AnthropicClientImpl/Java 3.12.0"; path /v1/messages.</li>
 * <li>google-genai 2.0.0 (Gemini API, not Vertex): {@code x-goog-api-key: <key>} header, no ?key=;
 *     API version v1 by default, NOT v1beta: {@code POST /v1/models/fast:generateContent} and, for
 *     streaming, {@code POST /v1/models/fast:streamGenerateContent?alt=sse}. A model with a '/' is sent
 *     unencoded: "gemini/gemini-2.5-flash" → {@code /v1/models/gemini/gemini-2.5-flash:generateContent}
 *     (the SDK only prefixes "models/"). user-agent/x-goog-api-client "google-genai-sdk/2.0.0 gl-java/..".</li>
 * </ul>
 */
class MockUpstreamSdkTest {
    private static final String KEY = "sk-mock-test-key";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static MockOpenAi openAiMock;
    private static MockAnthropic anthropicMock;
    private static MockGemini geminiMock;
    private static OpenAIClient openAi;
    private static AnthropicClient anthropic;
    private static Client gemini;

    @BeforeAll
    static void start() {
        openAiMock = new MockOpenAi();
        anthropicMock = new MockAnthropic();
        geminiMock = new MockGemini();
        for (MockUpstream m : List.of(openAiMock, anthropicMock, geminiMock)) {
            m.expectApiKey(KEY);
        }
        // maxRetries(0): an injected failure must surface, not be retried into a success.
        openAi = OpenAIOkHttpClient.builder().apiKey(KEY).baseUrl(openAiMock.baseUrl() + "/v1").maxRetries(0).build();
        anthropic = AnthropicOkHttpClient.builder().apiKey(KEY).baseUrl(anthropicMock.baseUrl()).maxRetries(0).build();
        gemini = geminiClient(KEY);
    }

    private static Client geminiClient(String key) {
        return Client.builder().apiKey(key).httpOptions(HttpOptions.builder().baseUrl(geminiMock.baseUrl()).build()).build();
    }

    @AfterAll
    static void stop() {
        openAi.close();
        anthropic.close();
        gemini.close();
        openAiMock.close();
        anthropicMock.close();
        geminiMock.close();
    }

    @BeforeEach
    void clear() {
        openAiMock.clear();
        anthropicMock.clear();
        geminiMock.clear();
    }

    // ---------------------------------------------------------------- OpenAI

    private static ChatCompletionCreateParams chatParams(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("hi")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
    }

    @Test
    void openAiChat() {
        ChatCompletion c = openAi.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gpt-4o-mini").addUserMessage("hi").build());
        c.validate();
        assertEquals("Hello from openai model gpt-4o-mini", c.choices().get(0).message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, c.choices().get(0).finishReason());
        assertEquals(12, c.usage().orElseThrow().promptTokens());
        assertEquals(7, c.usage().orElseThrow().completionTokens());
        assertEquals(19, c.usage().orElseThrow().totalTokens());
        RecordedRequest r = openAiMock.lastRequest();
        assertEquals("POST", r.method());
        assertEquals("/v1/chat/completions", r.path());
        assertEquals("Bearer " + KEY, r.header("authorization"));
        assertEquals("gpt-4o-mini", r.json().path("model").asText());
        assertTrue(r.header("user-agent").startsWith("OpenAIClientImpl/Java"));
    }

    @Test
    void openAiChatStream() {
        StringBuilder text = new StringBuilder();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (var stream = openAi.chat().completions().createStreaming(chatParams("gpt-4.1"))) {
            stream.stream().forEach(chunk -> {
                chunk.validate();
                chunks.add(chunk);
                chunk.choices().forEach(ch -> ch.delta().content().ifPresent(text::append));
            });
        }
        assertEquals("Hello from openai model gpt-4.1", text.toString());
        assertEquals(ChatCompletionChunk.Choice.Delta.Role.ASSISTANT,
                chunks.get(0).choices().get(0).delta().role().orElseThrow());
        assertTrue(chunks.size() >= 8, "role + ≥5 content + finish + usage chunks");
        ChatCompletionChunk finish = chunks.get(chunks.size() - 2);
        assertEquals(ChatCompletionChunk.Choice.FinishReason.STOP, finish.choices().get(0).finishReason().orElseThrow());
        ChatCompletionChunk usage = chunks.get(chunks.size() - 1);
        assertTrue(usage.choices().isEmpty());
        assertEquals(12, usage.usage().orElseThrow().promptTokens());
        assertEquals(7, usage.usage().orElseThrow().completionTokens());
        RecordedRequest r = openAiMock.lastRequest();
        assertTrue(r.json().path("stream").asBoolean());
        assertTrue(r.json().path("stream_options").path("include_usage").asBoolean());
        assertEquals("Bearer " + KEY, r.header("authorization"));
        assertEquals("text/event-stream", r.header("accept"));
    }

    @Test
    void openAiResponses() {
        Response resp = openAi.responses().create(ResponseCreateParams.builder().model("gpt-5-mini").input("hi").build());
        resp.validate();
        String text = resp.output().get(0).message().orElseThrow().content().get(0).outputText().orElseThrow().text();
        assertEquals("Hello from openai model gpt-5-mini", text);
        assertEquals(12, resp.usage().orElseThrow().inputTokens());
        assertEquals(7, resp.usage().orElseThrow().outputTokens());
        assertEquals(19, resp.usage().orElseThrow().totalTokens());
        assertEquals("/v1/responses", openAiMock.lastRequest().path());
    }

    @Test
    void openAiResponsesStream() {
        ResponseCreateParams params = ResponseCreateParams.builder().model("gpt-5-mini").input("hi").build();
        StringBuilder text = new StringBuilder();
        List<ResponseStreamEvent> events = new ArrayList<>();
        try (var stream = openAi.responses().createStreaming(params)) {
            stream.stream().forEach(e -> {
                e.validate(); // an event the SDK cannot map onto its typed variant fails here
                events.add(e);
                e.outputTextDelta().ifPresent(d -> text.append(d.delta()));
            });
        }
        assertEquals("Hello from openai model gpt-5-mini", text.toString());
        int n = events.size();
        assertTrue(events.get(0).isCreated());
        assertTrue(events.get(1).isInProgress());
        assertTrue(events.get(2).isOutputItemAdded());
        assertTrue(events.get(3).isContentPartAdded());
        assertTrue(events.get(n - 4).isOutputTextDone());
        assertTrue(events.get(n - 3).isContentPartDone());
        assertTrue(events.get(n - 2).isOutputItemDone());
        assertEquals(n - 8, events.stream().filter(ResponseStreamEvent::isOutputTextDelta).count());
        assertTrue(n - 8 >= 5);
        Response done = events.get(n - 1).completed().orElseThrow().response();
        assertEquals(7, done.usage().orElseThrow().outputTokens());
        for (int i = 0; i < n; i++) {
            JsonNode raw = ObjectMappers.jsonMapper().valueToTree(events.get(i));
            assertEquals(i, raw.path("sequence_number").asInt(-1), "sequence_number of event " + i);
        }
    }

    @Test
    void openAiModels() {
        var page = openAi.models().list();
        assertEquals(MockOpenAi.MODELS, page.data().stream().map(m -> m.id()).toList());
        assertEquals("GET", openAiMock.lastRequest().method());
        assertEquals("/v1/models", openAiMock.lastRequest().path());
    }

    // ---------------------------------------------------------------- Anthropic

    private static MessageCreateParams anthropicParams(String model) {
        return MessageCreateParams.builder().model(model).maxTokens(64).addUserMessage("hi").build();
    }

    @Test
    void anthropicMessages() {
        Message m = anthropic.messages().create(anthropicParams("claude-sonnet-4-5"));
        m.validate();
        assertEquals("Hello from anthropic model claude-sonnet-4-5", m.content().get(0).text().orElseThrow().text());
        assertEquals(StopReason.END_TURN, m.stopReason().orElseThrow());
        assertEquals(12, m.usage().inputTokens());
        assertEquals(7, m.usage().outputTokens());
        RecordedRequest r = anthropicMock.lastRequest();
        assertEquals("/v1/messages", r.path());
        // anthropic-java 3.12.0 authenticates apiKey(..) with Bearer, not x-api-key:
        assertEquals("Bearer " + KEY, r.header("authorization"));
        assertNull(r.header("x-api-key"));
        assertNotNull(r.header("anthropic-version"));
        assertEquals(64, r.json().path("max_tokens").asInt());
    }

    @Test
    void anthropicMessagesStream() {
        StringBuilder text = new StringBuilder();
        List<RawMessageStreamEvent> events = new ArrayList<>();
        try (StreamResponse<RawMessageStreamEvent> stream =
                     anthropic.messages().createStreaming(anthropicParams("claude-haiku-4-5"))) {
            stream.stream().forEach(e -> {
                e.validate();
                events.add(e);
                e.contentBlockDelta().flatMap(d -> d.delta().text()).ifPresent(t -> text.append(t.text()));
            });
        }
        assertEquals("Hello from anthropic model claude-haiku-4-5", text.toString());
        assertTrue(events.get(0).isMessageStart());
        assertEquals(12, events.get(0).asMessageStart().message().usage().inputTokens());
        assertTrue(events.get(1).isContentBlockStart());
        assertTrue(events.stream().filter(RawMessageStreamEvent::isContentBlockDelta).count() >= 5);
        var delta = events.get(events.size() - 2).asMessageDelta();
        assertEquals(StopReason.END_TURN, delta.delta().stopReason().orElseThrow());
        assertEquals(7, delta.usage().outputTokens());
        assertTrue(events.get(events.size() - 1).isMessageStop());
        assertTrue(anthropicMock.lastRequest().json().path("stream").asBoolean());
    }

    @Test
    void anthropicModelsAndMissingVersion() throws Exception {
        var page = anthropic.models().list();
        assertEquals(MockAnthropic.MODELS, page.data().stream().map(m -> m.id()).toList());
        // Raw call without anthropic-version: 400 in Anthropic's error shape.
        HttpResponse<String> resp = post(anthropicMock.baseUrl() + "/v1/messages", "x-api-key", KEY,
                "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":8,\"messages\":[]}");
        assertEquals(400, resp.statusCode());
        JsonNode err = JSON.readTree(resp.body());
        assertEquals("error", err.path("type").asText());
        assertEquals("invalid_request_error", err.path("error").path("type").asText());
    }

    // ---------------------------------------------------------------- Gemini

    @Test
    void geminiGenerateContent() {
        GenerateContentResponse resp = gemini.models.generateContent("fast", "hi", null);
        assertEquals("Hello from gemini model fast", resp.text());
        assertEquals("STOP", resp.candidates().orElseThrow().get(0).finishReason().orElseThrow().toString());
        GenerateContentResponseUsageMetadata u = resp.usageMetadata().orElseThrow();
        assertEquals(12, u.promptTokenCount().orElseThrow());
        assertEquals(7, u.candidatesTokenCount().orElseThrow());
        assertEquals(19, u.totalTokenCount().orElseThrow());
        RecordedRequest r = geminiMock.lastRequest();
        assertEquals("/v1/models/fast:generateContent", r.path()); // genai 2.0.0 defaults to v1, not v1beta
        assertNull(r.rawQuery());
        assertEquals(KEY, r.header("x-goog-api-key"));
    }

    @Test
    void geminiStream() {
        StringBuilder text = new StringBuilder();
        List<GenerateContentResponse> chunks = new ArrayList<>();
        try (ResponseStream<GenerateContentResponse> stream = gemini.models.generateContentStream("fast", "hi", null)) {
            for (GenerateContentResponse chunk : stream) {
                chunks.add(chunk);
                text.append(chunk.text());
            }
        }
        assertEquals("Hello from gemini model fast", text.toString());
        assertTrue(chunks.size() >= 5);
        assertEquals(7, chunks.get(chunks.size() - 1).usageMetadata().orElseThrow().candidatesTokenCount().orElseThrow());
        RecordedRequest r = geminiMock.lastRequest();
        assertEquals("/v1/models/fast:streamGenerateContent", r.path());
        assertEquals("alt=sse", r.rawQuery());
        assertEquals(KEY, r.header("x-goog-api-key"));
    }

    @Test
    void geminiModelWithSlashIsSentUnencoded() {
        String model = "gemini/gemini-2.5-flash";
        assertEquals("Hello from gemini model " + model, gemini.models.generateContent(model, "hi", null).text());
        assertEquals("/v1/models/gemini/gemini-2.5-flash:generateContent", geminiMock.lastRequest().path());
        StringBuilder text = new StringBuilder();
        try (var stream = gemini.models.generateContentStream(model, "hi", null)) {
            stream.forEach(c -> text.append(c.text()));
        }
        assertEquals("Hello from gemini model " + model, text.toString());
        assertEquals("/v1/models/gemini/gemini-2.5-flash:streamGenerateContent", geminiMock.lastRequest().path());
    }

    @Test
    void geminiJsonArrayStreamAndKeyQuery() throws Exception {
        // Without alt=sse the real API streams one JSON array; the SDK never asks for it, so check it raw,
        // authenticated with ?key= this time, on v1beta and with the '/' encoded as %2F.
        HttpResponse<String> resp = HTTP.send(HttpRequest.newBuilder(URI.create(geminiMock.baseUrl()
                        + "/v1beta/models/gemini%2Fgemini-2.5-pro:streamGenerateContent?key=" + KEY))
                .POST(HttpRequest.BodyPublishers.ofString("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, resp.statusCode());
        assertTrue(resp.headers().firstValue("content-type").orElseThrow().startsWith("application/json"));
        JsonNode array = JSON.readTree(resp.body());
        assertTrue(array.isArray() && array.size() >= 5);
        StringBuilder text = new StringBuilder();
        array.forEach(c -> text.append(c.path("candidates").path(0).path("content").path("parts").path(0).path("text").asText()));
        assertEquals("Hello from gemini model gemini/gemini-2.5-pro", text.toString());
        assertEquals("STOP", array.get(array.size() - 1).path("candidates").path(0).path("finishReason").asText());
        assertEquals("/v1beta/models/gemini%2Fgemini-2.5-pro:streamGenerateContent", geminiMock.lastRequest().path());

        var models = gemini.models.list(null);
        List<String> names = new ArrayList<>();
        models.forEach(m -> names.add(m.name().orElseThrow()));
        assertEquals(MockGemini.MODELS.stream().map(m -> "models/" + m).toList(), names);
    }

    // ---------------------------------------------------------------- StreamGate: events arrive before the end

    @Test
    void gatedOpenAiStreamDeliversFirstDeltaWhileUpstreamIsPaused() {
        openAiMock.gate().arm(2); // role chunk + first content chunk, then pause
        try (var stream = openAi.chat().completions().createStreaming(chatParams("gpt-4o-mini"))) {
            assertFirstDeltaWhilePaused(openAiMock, stream.stream().iterator(),
                    c -> c.choices().isEmpty() ? "" : c.choices().get(0).delta().content().orElse(""),
                    "Hello from openai model gpt-4o-mini");
        }
    }

    @Test
    void gatedAnthropicStreamDeliversFirstDeltaWhileUpstreamIsPaused() {
        anthropicMock.gate().arm(4); // message_start, content_block_start, ping, first delta
        try (var stream = anthropic.messages().createStreaming(anthropicParams("claude-sonnet-4-5"))) {
            assertFirstDeltaWhilePaused(anthropicMock, stream.stream().iterator(),
                    e -> e.contentBlockDelta().flatMap(d -> d.delta().text()).map(t -> t.text()).orElse(""),
                    "Hello from anthropic model claude-sonnet-4-5");
        }
    }

    @Test
    void gatedGeminiStreamDeliversFirstDeltaWhileUpstreamIsPaused() {
        geminiMock.gate().arm(1);
        try (var stream = gemini.models.generateContentStream("fast", "hi", null)) {
            assertFirstDeltaWhilePaused(geminiMock, stream.iterator(), GenerateContentResponse::text,
                    "Hello from gemini model fast");
        }
    }

    /** Reads up to the first text delta while the mock holds the rest back, then releases and drains. */
    private static <T> void assertFirstDeltaWhilePaused(MockUpstream mock, Iterator<T> events,
                                                        Function<T, String> deltaText, String expected) {
        StringBuilder text = new StringBuilder();
        while (text.isEmpty()) {
            text.append(deltaText.apply(events.next()));
        }
        assertEquals("Hello", text.toString());
        assertTrue(mock.gate().awaitPaused(5, SECONDS), "mock paused after the first events");
        assertFalse(mock.gate().finished(), "the client got the delta before the upstream finished");
        mock.gate().release();
        events.forEachRemaining(e -> text.append(deltaText.apply(e)));
        assertEquals(expected, text.toString());
        long deadline = System.nanoTime() + SECONDS.toNanos(5);
        while (!mock.gate().finished() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue(mock.gate().finished());
    }

    // ---------------------------------------------------------------- errors in native shapes

    @Test
    void wrongKeyGets401InEachProvidersShape() {
        // The SDK clients are not AutoCloseable (close() only), hence try/finally.
        OpenAIClient badOpenAi = OpenAIOkHttpClient.builder().apiKey("wrong")
                .baseUrl(openAiMock.baseUrl() + "/v1").maxRetries(0).build();
        AnthropicClient badAnthropic = AnthropicOkHttpClient.builder().apiKey("wrong")
                .baseUrl(anthropicMock.baseUrl()).maxRetries(0).build();
        try (Client badGemini = geminiClient("wrong")) {
            var e1 = assertThrows(UnauthorizedException.class,
                    () -> badOpenAi.chat().completions().create(chatParams("gpt-4o-mini")));
            assertEquals("invalid_api_key", e1.code().orElseThrow());
            var e2 = assertThrows(com.anthropic.errors.UnauthorizedException.class,
                    () -> badAnthropic.messages().create(anthropicParams("claude-sonnet-4-5")));
            assertEquals("invalid x-api-key", e2.apiMessage().orElseThrow());
            var e3 = assertThrows(ApiException.class, () -> badGemini.models.generateContent("fast", "hi", null));
            assertEquals(401, e3.code());
            assertEquals("UNAUTHENTICATED", e3.status());
        } finally {
            badOpenAi.close();
            badAnthropic.close();
        }
    }

    @Test
    void failNextFailsExactlyOneRequest() {
        openAiMock.failNext(429);
        assertThrows(RateLimitException.class, () -> openAi.chat().completions().create(chatParams("gpt-4o-mini")));
        assertEquals("Hello from openai model gpt-4o-mini",
                openAi.chat().completions().create(chatParams("gpt-4o-mini")).choices().get(0).message().content().orElseThrow());

        anthropicMock.failNext(529);
        assertThrows(com.anthropic.errors.OverloadedException.class,
                () -> anthropic.messages().create(anthropicParams("claude-sonnet-4-5")));

        geminiMock.failNext(403, "{\"error\":{\"code\":403,\"message\":\"nope\",\"status\":\"PERMISSION_DENIED\"}}");
        var e = assertThrows(ApiException.class, () -> gemini.models.generateContent("fast", "hi", null));
        assertEquals(403, e.code());
        assertEquals("nope", e.message());
    }

    @Test
    void unknownPathIs404InEachProvidersShape() throws Exception {
        JsonNode openAiErr = JSON.readTree(post(openAiMock.baseUrl() + "/v1/nope", "authorization", "Bearer " + KEY, "{}").body());
        assertEquals("invalid_request_error", openAiErr.path("error").path("type").asText());
        JsonNode anthropicErr = JSON.readTree(post(anthropicMock.baseUrl() + "/v1/nope", "x-api-key", KEY, "{}").body());
        assertEquals("not_found_error", anthropicErr.path("error").path("type").asText());
        HttpResponse<String> gem = post(geminiMock.baseUrl() + "/v1beta/nope", "x-goog-api-key", KEY, "{}");
        assertEquals(404, gem.statusCode());
        assertEquals("NOT_FOUND", JSON.readTree(gem.body()).path("error").path("status").asText());
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<String> post(String url, String header, String value, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header(header, value)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
