package io.gproxy.tests;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.types.FinishReason;
import com.google.genai.types.FunctionCall;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import io.gproxy.tests.mock.MockAnthropic;
import io.gproxy.tests.mock.MockGemini;
import io.gproxy.tests.mock.MockOpenAi;
import io.gproxy.tests.mock.MockUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static io.gproxy.tests.SdkTools.ARGUMENTS;
import static io.gproxy.tests.SdkTools.PROMPT;
import static io.gproxy.tests.SdkTools.TOOL;
import static io.gproxy.tests.SdkTools.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves the mocks' tool-call answers are the providers' real wire format: the official SDKs, straight at the mocks,
 * offer two tools and parse (and validate) one call of the first, non-stream and stream; the streamed events are also
 * checked one by one where the format streams arguments in pieces. Also covers the stream-cut knob.
 */
class MockToolCallSdkTest {
    private static final String KEY = "sk-mock-tool-key";

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
        openAi = OpenAIOkHttpClient.builder().apiKey(KEY).baseUrl(openAiMock.baseUrl() + "/v1").maxRetries(0).build();
        anthropic = AnthropicOkHttpClient.builder().apiKey(KEY).baseUrl(anthropicMock.baseUrl()).maxRetries(0).build();
        gemini = Client.builder().apiKey(KEY).httpOptions(HttpOptions.builder().baseUrl(geminiMock.baseUrl()).build()).build();
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

    // ---------------------------------------------------------------- OpenAI Chat

    private static ChatCompletionCreateParams chatParams() {
        ChatCompletionCreateParams.Builder b = ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage(PROMPT)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build());
        SdkTools.chatTools().forEach(b::addTool);
        return b.build();
    }

    @Test
    void chatToolCall() {
        ChatCompletion c = openAi.chat().completions().create(chatParams().toBuilder().streamOptions(java.util.Optional.empty()).build());
        c.validate();
        assertChatCall(c);
        assertEquals(MockUpstream.TOOL_ARGUMENTS, c.choices().get(0).message().toolCalls().orElseThrow().get(0)
                .asFunction().function().arguments(), "arguments are a JSON string");
    }

    @Test
    void chatToolCallStream() {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        List<String> fragments = new ArrayList<>();
        boolean[] firstCarriesName = {false};
        try (var stream = openAi.chat().completions().createStreaming(chatParams())) {
            stream.stream().forEach(chunk -> {
                chunk.validate();
                acc.accumulate(chunk);
                if (!chunk.choices().isEmpty()) {
                    chunk.choices().get(0).delta().toolCalls().ifPresent(calls -> calls.forEach(tc -> {
                        if (tc.id().isPresent()) {
                            firstCarriesName[0] = fragments.isEmpty() && tc.function().orElseThrow().name().orElse("").equals(TOOL)
                                    && tc.function().orElseThrow().arguments().orElse("x").isEmpty();
                        } else {
                            fragments.add(tc.function().orElseThrow().arguments().orElseThrow());
                        }
                    }));
                }
            });
        }
        assertTrue(firstCarriesName[0], "first tool delta: id, name and arguments \"\"");
        assertEquals(MockUpstream.toolArgumentFragments(), fragments);
        assertChatCall(acc.chatCompletion());
    }

    private static void assertChatCall(ChatCompletion c) {
        ChatCompletion.Choice choice = c.choices().get(0);
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, choice.finishReason());
        List<com.openai.models.chat.completions.ChatCompletionMessageToolCall> calls = choice.message().toolCalls().orElseThrow();
        assertEquals(1, calls.size());
        ChatCompletionMessageFunctionToolCall call = calls.get(0).asFunction();
        assertTrue(call.id().startsWith("call_"), call.id());
        assertEquals(TOOL, call.function().name());
        assertEquals(ARGUMENTS, json(call.function().arguments()));
        assertEquals(19, c.usage().orElseThrow().totalTokens());
    }

    // ---------------------------------------------------------------- OpenAI Responses

    private static ResponseCreateParams responsesParams() {
        ResponseCreateParams.Builder b = ResponseCreateParams.builder().model("gpt-4.1").input(PROMPT);
        SdkTools.responsesTools().forEach(b::addTool);
        return b.build();
    }

    @Test
    void responsesFunctionCall() {
        Response r = openAi.responses().create(responsesParams());
        r.validate();
        assertResponsesCall(r);
    }

    @Test
    void responsesFunctionCallStream() {
        ResponseAccumulator acc = ResponseAccumulator.create();
        List<String> types = new ArrayList<>();
        StringBuilder args = new StringBuilder();
        try (var stream = openAi.responses().createStreaming(responsesParams())) {
            stream.stream().forEach(e -> {
                e.validate();
                acc.accumulate(e);
                types.add(json(com.openai.core.ObjectMappers.jsonMapper().valueToTree(e).toString()).path("type").asText());
                e.functionCallArgumentsDelta().ifPresent(d -> args.append(d.delta()));
                e.outputItemAdded().ifPresent(a -> assertEquals("", a.item().asFunctionCall().arguments()));
            });
        }
        assertEquals(List.of("response.created", "response.in_progress", "response.output_item.added",
                "response.function_call_arguments.delta", "response.function_call_arguments.delta",
                "response.function_call_arguments.delta", "response.function_call_arguments.done",
                "response.output_item.done", "response.completed"), types);
        assertEquals(MockUpstream.TOOL_ARGUMENTS, args.toString());
        assertResponsesCall(acc.response());
    }

    private static void assertResponsesCall(Response r) {
        assertEquals(1, r.output().size());
        ResponseFunctionToolCall call = r.output().get(0).functionCall().orElseThrow();
        assertEquals(TOOL, call.name());
        assertTrue(call.callId().startsWith("call_"), call.callId());
        assertEquals(ARGUMENTS, json(call.arguments()));
        assertEquals(19, r.usage().orElseThrow().totalTokens());
    }

    // ---------------------------------------------------------------- Anthropic

    private static MessageCreateParams claudeParams() {
        MessageCreateParams.Builder b = MessageCreateParams.builder().model("claude-sonnet-4-5").maxTokens(64).addUserMessage(PROMPT);
        SdkTools.claudeTools().forEach(b::addTool);
        return b.build();
    }

    @Test
    void claudeToolUse() {
        Message m = anthropic.messages().create(claudeParams());
        m.validate();
        assertClaudeCall(m);
    }

    @Test
    void claudeToolUseStream() {
        MessageAccumulator acc = MessageAccumulator.create();
        List<String> partials = new ArrayList<>();
        try (var stream = anthropic.messages().createStreaming(claudeParams())) {
            stream.stream().forEach(e -> {
                e.validate();
                acc.accumulate(e);
                e.contentBlockStart().ifPresent(s -> assertEquals(0, s.contentBlock().toolUse().orElseThrow()
                        ._input().convert(JsonNode.class).size(), "content_block_start has input {}"));
                e.contentBlockDelta().flatMap(d -> d.delta().inputJson()).ifPresent(j -> partials.add(j.partialJson()));
            });
        }
        assertEquals("", partials.get(0));
        assertEquals(MockUpstream.toolArgumentFragments(), partials.subList(1, partials.size()));
        assertClaudeCall(acc.message());
    }

    private static void assertClaudeCall(Message m) {
        assertEquals(StopReason.TOOL_USE, m.stopReason().orElseThrow());
        assertEquals(1, m.content().size());
        ToolUseBlock call = m.content().get(0).toolUse().orElseThrow();
        assertEquals(TOOL, call.name());
        assertTrue(call.id().startsWith("toolu_"), call.id());
        assertEquals(ARGUMENTS, call._input().convert(JsonNode.class));
        assertEquals(7, m.usage().outputTokens());
    }

    // ---------------------------------------------------------------- Gemini

    private static GenerateContentConfig geminiConfig() {
        return GenerateContentConfig.builder().tools(SdkTools.geminiTools()).build();
    }

    @Test
    void geminiFunctionCall() {
        assertGeminiCall(gemini.models.generateContent("gemini-2.5-flash", PROMPT, geminiConfig()));
    }

    @Test
    void geminiFunctionCallStreamIsOneChunk() {
        List<GenerateContentResponse> chunks = new ArrayList<>();
        try (ResponseStream<GenerateContentResponse> stream =
                     gemini.models.generateContentStream("gemini-2.5-flash", PROMPT, geminiConfig())) {
            stream.forEach(chunks::add);
        }
        assertEquals(1, chunks.size());
        assertGeminiCall(chunks.get(0));
    }

    private static void assertGeminiCall(GenerateContentResponse r) {
        List<FunctionCall> calls = r.functionCalls();
        assertEquals(1, calls.size());
        assertEquals(TOOL, calls.get(0).name().orElseThrow());
        assertEquals(ARGUMENTS, SdkTools.tree(calls.get(0).args().orElseThrow()));
        assertEquals(FinishReason.Known.STOP, r.finishReason().knownEnum());
        assertEquals(19, r.usageMetadata().orElseThrow().totalTokenCount().orElseThrow());
    }

    // ---------------------------------------------------------------- no tools: text as before

    @Test
    void withoutToolsTheReplyIsText() {
        assertEquals("Hello from anthropic model claude-sonnet-4-5", anthropic.messages().create(MessageCreateParams.builder()
                .model("claude-sonnet-4-5").maxTokens(64).addUserMessage(PROMPT).build()).content().get(0).text().orElseThrow().text());
        assertEquals("Hello from gemini model gemini-2.5-flash", gemini.models.generateContent("gemini-2.5-flash", PROMPT, null).text());
    }

    // ---------------------------------------------------------------- cutNextStream

    @Test
    void cutStreamEndsCleanlyBeforeItsTerminalEvent() throws Exception {
        openAiMock.cutNextStream(2, false);
        HttpResponse<String> r = postChatStream();
        assertEquals(200, r.statusCode());
        assertEquals(2, r.body().split("\n\n").length, r.body());
        assertFalse(r.body().contains("[DONE]"));
    }

    @Test
    void droppedStreamBreaksTheBody() {
        openAiMock.cutNextStream(2, true);
        assertThrows(IOException.class, MockToolCallSdkTest::postChatStream, "a body without its terminating chunk");
        assertEquals("Hello from openai model gpt-4o-mini", openAi.chat().completions().create(ChatCompletionCreateParams
                .builder().model("gpt-4o-mini").addUserMessage("hi").build()).choices().get(0).message().content().orElseThrow(),
                "the mock serves the next request normally");
    }

    private static HttpResponse<String> postChatStream() throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create(openAiMock.baseUrl() + "/v1/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"stream\":true,"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
