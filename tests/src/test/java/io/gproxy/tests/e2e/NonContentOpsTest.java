package io.gproxy.tests.e2e;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageTokensCount;
import com.anthropic.models.models.ModelInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.genai.Client;
import com.google.genai.types.CountTokensResponse;
import com.google.genai.types.HttpOptions;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.responses.inputtokens.InputTokenCountParams;
import com.openai.models.responses.inputtokens.InputTokenCountResponse;
import io.gproxy.tests.mock.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;

import static io.gproxy.tests.e2e.GatewayFixture.ALICE_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Non-content operations through the local gateway with the official SDKs (issue 3): token counting served
 * locally (the openai channel routes every count_tokens cell {@code local}), passed through (anthropic) and
 * converted (Gemini countTokens → Claude); OpenAI embeddings converted to Gemini, including the SDK's default
 * base64 encoding; and the 501 for compact on a channel the gateway cannot convert it for.
 */
class NonContentOpsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
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

    // ------------------------------------------------------------------ count_tokens

    @Test
    void claudeCountTokensAgainstOpenAiIsCountedLocally() {
        MessageTokensCount count = anthropic.messages().countTokens(MessageCountTokensParams.builder()
                .model("openai/gpt-4o-mini").addUserMessage("Hello, world").build());
        // "Hello, world" is 3 tokens in o200k_base (gpt-4o-mini), plus 4 for the one message.
        assertEquals(7, count.inputTokens());
        assertEquals(0, gw.upstreamRequestCount(), "a local count calls no upstream");
    }

    @Test
    void claudeCountTokensThroughAGlobalAliasUsesTheTargetsTokenizer() {
        // The global alias resolves to openai/gpt-4o-mini: counted with o200k_base, the upstream model's encoding.
        MessageTokensCount count = anthropic.messages().countTokens(MessageCountTokensParams.builder()
                .model("gpt-4o-mini-2024-07-18").system("You are a helpful assistant.")
                .addUserMessage("What is the capital of France?").build());
        // system + message joined by "\n" = 13 o200k tokens; one message adds 4.
        assertEquals(17, count.inputTokens());
        assertEquals(0, gw.upstreamRequestCount());
    }

    @Test
    void claudeCountTokensAgainstAnthropicPassesThrough() {
        MessageTokensCount count = anthropic.messages().countTokens(MessageCountTokensParams.builder()
                .model("anthropic/claude-sonnet-4-5").addUserMessage("Hello, world").build());
        assertEquals(12, count.inputTokens(), "the mock's count");
        RecordedRequest r = gw.anthropic.lastRequest();
        assertEquals("/v1/messages/count_tokens", r.path());
        assertEquals("claude-sonnet-4-5", r.json().path("model").asText());
        assertEquals("Hello, world", r.json().at("/messages/0/content").asText());
        assertEquals(GatewayFixture.ANTHROPIC_UPSTREAM_KEY, r.header("x-api-key"));
        assertTrue(r.header("anthropic-version") != null);
    }

    @Test
    void responsesInputTokensCountedLocally() {
        InputTokenCountResponse count = openAi.responses().inputTokens().count(InputTokenCountParams.builder()
                .model("openai/gpt-4.1").instructions("You are a helpful assistant.")
                .input("What is the capital of France?").build());
        // "You are a helpful assistant.\nWhat is the capital of France?" = 13 tokens (o200k_base); a string input
        // is no message array, so no per-message overhead.
        assertEquals(13, count.inputTokens());
        assertEquals(0, gw.upstreamRequestCount());
    }

    @Test
    void responsesInputTokensRawShape() throws Exception {
        HttpResponse<String> r = post("/v1/responses/input_tokens", "authorization", "Bearer " + ALICE_KEY,
                "{\"model\":\"openai/gpt-4o\",\"input\":[{\"role\":\"user\",\"content\":\"日本語のテキストです。\"}]}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("{\"object\":\"response.input_tokens\",\"input_tokens\":12}", r.body()); // 8 (o200k) + 4
    }

    @Test
    void geminiCountTokensConvertedToClaude() {
        CountTokensResponse count = gemini.models.countTokens("anthropic/claude-sonnet-4-5",
                "What's the weather in Paris?", null);
        assertEquals(12, count.totalTokens().orElseThrow(), "the Anthropic mock's count, in Gemini's shape");
        RecordedRequest r = gw.anthropic.lastRequest();
        assertEquals("/v1/messages/count_tokens", r.path());
        JsonNode body = r.json();
        assertEquals("claude-sonnet-4-5", body.path("model").asText());
        assertEquals("user", body.at("/messages/0/role").asText());
        assertEquals("What's the weather in Paris?", body.at("/messages/0/content/0/text").asText());
        assertFalse(body.has("max_tokens"), "count_tokens takes no max_tokens");
        assertFalse(body.has("stream"));
        assertEquals(GatewayFixture.ANTHROPIC_UPSTREAM_KEY, r.header("x-api-key"));
        assertTrue(r.header("anthropic-version") != null, "a Claude upstream call gets anthropic-version");
        assertEquals(0, gw.gemini.requests().size());
    }

    @Test
    void openAiCountConvertedToGeminiForAnAiStudioProvider() throws Exception {
        HttpResponse<String> r = post("/v1/responses/input_tokens", "authorization", "Bearer " + ALICE_KEY,
                "{\"model\":\"gemini/gemini-2.5-flash\",\"input\":\"Hello\",\"instructions\":\"Be brief.\"}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("{\"object\":\"response.input_tokens\",\"input_tokens\":12}", r.body());
        RecordedRequest up = gw.gemini.lastRequest();
        assertEquals("/v1beta/models/gemini-2.5-flash:countTokens", up.path());
        assertEquals("models/gemini-2.5-flash", up.json().at("/generateContentRequest/model").asText());
        assertEquals("Be brief.", up.json().at("/generateContentRequest/systemInstruction/parts/0/text").asText());
    }

    // ------------------------------------------------------------------ embeddings

    @Test
    void openAiEmbeddingsAgainstGeminiWithTheSdkDefaultBase64() {
        CreateEmbeddingResponse resp = openAi.embeddings().create(EmbeddingCreateParams.builder()
                .model("gemini/text-embedding-004").inputOfArrayOfStrings(List.of("The food was delicious", "Paris"))
                .dimensions(4).build());
        assertEquals(2, resp.data().size());
        assertTrue(resp.data().get(0).embeddingValue().isBase64(), "the SDK asked for base64 and got it");
        assertEquals(List.of(0.25f, -0.5f, 0.75f, -1.0f), resp.data().get(0).embedding());
        assertEquals(List.of(0.5f, -1.0f, 1.5f, -2.0f), resp.data().get(1).embedding());
        assertEquals(1, resp.data().get(1).index());
        assertTrue(resp.usage().promptTokens() > 0, "usage estimated when Gemini reports none");

        RecordedRequest r = gw.gemini.lastRequest();
        assertEquals("/v1beta/models/text-embedding-004:batchEmbedContents", r.path());
        JsonNode requests = r.json().get("requests");
        assertEquals(2, requests.size());
        assertEquals("models/text-embedding-004", requests.get(0).path("model").asText());
        assertEquals("Paris", requests.get(1).at("/content/parts/0/text").asText());
        assertEquals(4, requests.get(0).path("outputDimensionality").asInt());
        assertEquals(GatewayFixture.GEMINI_UPSTREAM_KEY, r.header("x-goog-api-key"));
    }

    @Test
    void openAiEmbeddingSingleStringUsesEmbedContentAndFloats() throws Exception {
        HttpResponse<String> r = post("/v1/embeddings", "authorization", "Bearer " + ALICE_KEY,
                "{\"model\":\"gemini/gemini-embedding-001\",\"input\":\"hello\",\"dimensions\":3,\"encoding_format\":\"float\"}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertEquals("list", body.path("object").asText());
        assertEquals("[0.25,-0.5,0.75]", body.at("/data/0/embedding").toString());
        assertEquals("/v1beta/models/gemini-embedding-001:embedContent", gw.gemini.lastRequest().path());

        HttpResponse<String> b64 = post("/v1/embeddings", "authorization", "Bearer " + ALICE_KEY,
                "{\"model\":\"gemini/gemini-embedding-001\",\"input\":\"hello\",\"dimensions\":2,\"encoding_format\":\"base64\"}");
        ByteBuffer floats = ByteBuffer.wrap(Base64.getDecoder().decode(JSON.readTree(b64.body()).at("/data/0/embedding").asText()))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0.25f, floats.getFloat());
        assertEquals(-0.5f, floats.getFloat());
        assertFalse(floats.hasRemaining());
    }

    @Test
    void tokenArrayEmbeddingInputIs422WithoutAnUpstreamCall() throws Exception {
        HttpResponse<String> r = post("/v1/embeddings", "authorization", "Bearer " + ALICE_KEY,
                "{\"model\":\"gemini/text-embedding-004\",\"input\":[[1,2,3]]}");
        assertEquals(422, r.statusCode(), r.body());
        assertTrue(r.body().contains("token-array"), r.body());
        assertEquals(0, gw.upstreamRequestCount());
    }

    // ------------------------------------------------------------------ models

    @Test
    void claudeGetModelOnAGeminiProviderIsConverted() {
        AnthropicClient scoped = AnthropicOkHttpClient.builder().apiKey(ALICE_KEY)
                .baseUrl(gw.baseUrl() + "/gemini").maxRetries(0).build();
        try {
            ModelInfo model = scoped.models().retrieve("gemini-2.5-pro");
            assertEquals("gemini-2.5-pro", model.id(), "Gemini's models/ prefix is gone");
            assertEquals("gemini-2.5-pro", model.displayName());
            assertEquals(0, model.createdAt().toEpochSecond());
        } finally {
            scoped.close();
        }
        RecordedRequest r = gw.gemini.lastRequest();
        assertEquals("GET", r.method());
        assertEquals("/v1beta/models/gemini-2.5-pro", r.path());
        assertEquals(GatewayFixture.GEMINI_UPSTREAM_KEY, r.header("x-goog-api-key"));
    }

    // ------------------------------------------------------------------ not converted

    @Test
    void compactOnAClaudeProviderIs501() throws Exception {
        HttpResponse<String> r = post("/v1/responses/compact", "authorization", "Bearer " + ALICE_KEY,
                "{\"model\":\"anthropic/claude-sonnet-4-5\",\"input\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(501, r.statusCode(), r.body());
        assertTrue(r.body().contains("compact_content"), r.body());
        assertEquals(0, gw.upstreamRequestCount());
    }

    private static HttpResponse<String> post(String path, String authHeader, String authValue, String body) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + path))
                            .header(authHeader, authValue).header("content-type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }
}
