package io.gproxy.tests.e2e;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static io.gproxy.tests.e2e.GatewayFixture.ALICE_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Routing rules that change the stream shape (spec/surface.md §3.7): a streaming client on a cell routed to the
 * non-stream operation gets its stream synthesised from the whole answer ("SynthesizeStream"); a non-stream client
 * on a cell routed to the stream operation gets the upstream stream folded into one answer ("AggregateStream").
 */
class StreamShapeConversionTest {
    private static GatewayFixture gw;
    private static OpenAIClient openAi;
    private static AnthropicClient anthropic;

    @BeforeAll
    static void start() throws Exception {
        gw = new GatewayFixture().start();
        gw.server().gateway().importer().importBundle(("""
                {"providers":[
                  {"id":21,"name":"synth","channel":"openai","settings_json":{"base_url":"%s"}},
                  {"id":22,"name":"agg","channel":"claudeapi","settings_json":{"base_url":"%s"}}],
                 "credentials":[
                  {"id":21,"provider_id":21,"secret_json":{"api_key":"sk-upstream-openai"}},
                  {"id":22,"provider_id":22,"secret_json":{"api_key":"sk-ant-upstream"}}],
                 "routing_rules":[
                  {"id":21,"provider_id":21,"operation":"stream_generate_content","kind":"open_ai_chat_completions",
                   "implementation":"transform_to","dest_operation":"generate_content","dest_kind":"open_ai_chat_completions"},
                  {"id":22,"provider_id":22,"operation":"generate_content","kind":"claude_messages",
                   "implementation":"transform_to","dest_operation":"stream_generate_content","dest_kind":"claude_messages"}]}
                """.formatted(gw.openAi.baseUrl(), gw.anthropic.baseUrl())).getBytes(StandardCharsets.UTF_8));
        gw.server().gateway().configCache().reload();
        openAi = OpenAIOkHttpClient.builder().apiKey(ALICE_KEY).baseUrl(gw.baseUrl() + "/v1").maxRetries(0).build();
        anthropic = AnthropicOkHttpClient.builder().apiKey(ALICE_KEY).baseUrl(gw.baseUrl()).maxRetries(0).build();
    }

    @AfterAll
    static void stop() throws Exception {
        openAi.close();
        anthropic.close();
        gw.close();
    }

    @Test
    void aStreamIsSynthesisedFromANonStreamUpstream() {
        StringBuilder text = new StringBuilder();
        long[] usage = {0};
        try (var stream = openAi.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("synth/gpt-4o-mini").addUserMessage("hi")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach(c -> {
                c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append));
                c.usage().ifPresent(u -> usage[0] = u.completionTokens());
            });
        }
        assertEquals("Hello from openai model gpt-4o-mini", text.toString());
        assertEquals(7, usage[0]);
        assertFalse(gw.openAi.lastRequest().json().path("stream").asBoolean(false), "the upstream was called non-stream");
    }

    @Test
    void anAnswerIsFoldedFromAStreamOnlyUpstream() {
        Message m = anthropic.messages().create(MessageCreateParams.builder().model("agg/claude-sonnet-4-5")
                .maxTokens(64).addUserMessage("hi").build());
        assertEquals("Hello from anthropic model claude-sonnet-4-5", m.content().get(0).text().orElseThrow().text());
        assertEquals(7, m.usage().outputTokens());
        assertTrue(gw.anthropic.lastRequest().json().path("stream").asBoolean(), "the upstream was called streaming");
    }
}
