package io.gproxy.transform.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.protocol.ProtocolFamily;
import io.gproxy.transform.CodecRegistry;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.TransformException;
import io.gproxy.transform.ir.LossReport;
import org.junit.jupiter.api.Test;

import static io.gproxy.protocol.ProtocolFamily.CLAUDE;
import static io.gproxy.protocol.ProtocolFamily.GEMINI;
import static io.gproxy.protocol.ProtocolFamily.OPENAI;
import static io.gproxy.transform.ops.TokenCounterTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CountTokensTest {
    private static final CodecRegistry CODECS = CodecRegistry.builtIn();

    /** What anthropic-java sends for messages().countTokens(..) with a system prompt and a tool. */
    static final String CLAUDE_BODY = """
            {"messages":[{"content":"What's the weather in Paris?","role":"user"},
                         {"role":"assistant","content":[{"type":"tool_use","id":"toolu_01","name":"weather","input":{"city":"Paris"}}]},
                         {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01","content":"sunny, 21C"}]}],
             "model":"smart","system":"You are a weather bot.",
             "tools":[{"name":"weather","description":"Current weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}]}""";

    /** What openai-java sends for responses().inputTokens().count(..). */
    static final String OPENAI_BODY = """
            {"model":"openai/gpt-4.1","instructions":"You are a weather bot.",
             "input":[{"role":"user","content":[{"type":"input_text","text":"What's the weather in Paris?"}]},
                      {"type":"function_call","call_id":"call_1","name":"weather","arguments":"{\\"city\\":\\"Paris\\"}"},
                      {"type":"function_call_output","call_id":"call_1","output":"sunny, 21C"}],
             "tools":[{"type":"function","name":"weather","description":"Current weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]},"strict":false}]}""";

    /** What google-genai sends for models.countTokens(model, "text", null). */
    static final String GEMINI_PLAIN = """
            {"contents":[{"parts":[{"text":"What's the weather in Paris?"}],"role":"user"}]}""";

    static final String GEMINI_FULL = """
            {"generateContentRequest":{"model":"models/gemini-2.5-flash",
              "systemInstruction":{"parts":[{"text":"You are a weather bot."}]},
              "contents":[{"role":"user","parts":[{"text":"What's the weather in Paris?"}]},
                          {"role":"model","parts":[{"functionCall":{"name":"weather","args":{"city":"Paris"}}}]},
                          {"role":"user","parts":[{"functionResponse":{"name":"weather","response":{"result":"sunny, 21C"}}}]}],
              "tools":[{"functionDeclarations":[{"name":"weather","description":"Current weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}]}],
              "generationConfig":{"temperature":0.2}}}""";

    private static ObjectNode convert(ProtocolFamily from, ProtocolFamily to, String body, String model) throws TransformException {
        return CountTokens.convertRequest(CODECS, from, to, json(body), model, ctx());
    }

    static TransformContext ctx() {
        return new TransformContext(1_700_000_000L, new LossReport());
    }

    @Test
    void claudeToOpenAi() throws Exception {
        ObjectNode out = convert(CLAUDE, OPENAI, CLAUDE_BODY, "gpt-4.1");
        assertEquals("gpt-4.1", out.get("model").asText());
        assertEquals("You are a weather bot.", out.get("instructions").asText());
        assertEquals("function", out.at("/tools/0/type").asText());
        assertEquals("weather", out.at("/tools/0/name").asText());
        JsonNode input = out.get("input");
        assertEquals("What's the weather in Paris?", input.at("/0/content/0/text").asText());
        assertEquals("function_call", input.get(1).get("type").asText());
        assertEquals("{\"city\":\"Paris\"}", input.get(1).get("arguments").asText());
        assertEquals("function_call_output", input.get(2).get("type").asText());
        assertEquals(input.get(1).get("call_id"), input.get(2).get("call_id"));
        for (String f : new String[] {"stream", "store", "max_output_tokens", "include", "temperature"}) {
            assertFalse(out.has(f), f);
        }
    }

    @Test
    void claudeToGeminiUsesGenerateContentRequestWhenThereIsASystemOrTools() throws Exception {
        ObjectNode out = convert(CLAUDE, GEMINI, CLAUDE_BODY, "gemini-2.5-flash");
        assertEquals(1, out.size());
        JsonNode req = out.get("generateContentRequest");
        assertEquals("models/gemini-2.5-flash", req.get("model").asText());
        assertEquals("You are a weather bot.", req.at("/systemInstruction/parts/0/text").asText());
        assertEquals("weather", req.at("/tools/0/functionDeclarations/0/name").asText());
        assertEquals("weather", req.at("/contents/1/parts/0/functionCall/name").asText());
        assertEquals("weather", req.at("/contents/2/parts/0/functionResponse/name").asText());
        assertFalse(req.has("generationConfig"));
    }

    @Test
    void claudeToGeminiPlainContents() throws Exception {
        ObjectNode out = convert(CLAUDE, GEMINI,
                "{\"model\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}", "models/gemini-2.5-flash");
        assertEquals(json("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello\"}]}]}"), out);
    }

    @Test
    void openAiToClaude() throws Exception {
        ObjectNode out = convert(OPENAI, CLAUDE, OPENAI_BODY, "claude-sonnet-4-5");
        assertEquals("claude-sonnet-4-5", out.get("model").asText());
        assertEquals("You are a weather bot.", out.at("/system/0/text").asText());
        assertEquals("weather", out.at("/tools/0/name").asText());
        assertTrue(out.at("/tools/0/input_schema").isObject());
        assertEquals("tool_use", out.at("/messages/1/content/0/type").asText());
        assertEquals("Paris", out.at("/messages/1/content/0/input/city").asText());
        assertEquals("tool_result", out.at("/messages/2/content/0/type").asText());
        for (String f : new String[] {"max_tokens", "stream", "metadata", "temperature"}) {
            assertFalse(out.has(f), f);
        }
    }

    @Test
    void openAiToGemini() throws Exception {
        ObjectNode out = convert(OPENAI, GEMINI, "{\"model\":\"gpt-4o\",\"input\":\"Hello there\"}", "gemini-2.5-pro");
        assertEquals(json("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello there\"}]}]}"), out);
        ObjectNode full = convert(OPENAI, GEMINI, OPENAI_BODY, "gemini-2.5-pro");
        assertEquals("models/gemini-2.5-pro", full.at("/generateContentRequest/model").asText());
        assertEquals(3, full.at("/generateContentRequest/contents").size());
    }

    @Test
    void geminiToClaude() throws Exception {
        ObjectNode plain = convert(GEMINI, CLAUDE, GEMINI_PLAIN, "claude-sonnet-4-5");
        assertEquals("claude-sonnet-4-5", plain.get("model").asText());
        assertEquals("user", plain.at("/messages/0/role").asText());
        assertEquals("What's the weather in Paris?", plain.at("/messages/0/content/0/text").asText());
        assertFalse(plain.has("max_tokens"));
        ObjectNode full = convert(GEMINI, CLAUDE, GEMINI_FULL, "claude-sonnet-4-5");
        assertEquals("You are a weather bot.", full.at("/system/0/text").asText());
        assertEquals("tool_use", full.at("/messages/1/content/0/type").asText());
        assertEquals("tool_result", full.at("/messages/2/content/0/type").asText());
        assertEquals(full.at("/messages/1/content/0/id"), full.at("/messages/2/content/0/tool_use_id"));
        assertEquals("weather", full.at("/tools/0/name").asText());
        assertFalse(full.has("temperature"));
    }

    @Test
    void geminiToOpenAi() throws Exception {
        ObjectNode out = convert(GEMINI, OPENAI, GEMINI_FULL, "gpt-4.1");
        assertEquals("gpt-4.1", out.get("model").asText());
        assertEquals("You are a weather bot.", out.get("instructions").asText());
        assertEquals("function_call", out.at("/input/1/type").asText());
        assertEquals("function_call_output", out.at("/input/2/type").asText());
        assertFalse(out.has("temperature"));
        assertFalse(out.has("stream"));
    }

    @Test
    void responsesReshapeBetweenAllFamilies() throws Exception {
        JsonNode claude = json("{\"input_tokens\":42}");
        JsonNode openai = json("{\"object\":\"response.input_tokens\",\"input_tokens\":42}");
        JsonNode gemini = json("{\"totalTokens\":42,\"promptTokensDetails\":[{\"modality\":\"TEXT\",\"tokenCount\":42}]}");
        assertEquals(openai.toString(), CountTokens.convertResponse(CLAUDE, OPENAI, claude).toString());
        assertEquals(json("{\"totalTokens\":42}").toString(), CountTokens.convertResponse(CLAUDE, GEMINI, claude).toString());
        assertEquals(claude.toString(), CountTokens.convertResponse(OPENAI, CLAUDE, openai).toString());
        assertEquals(json("{\"totalTokens\":42}").toString(), CountTokens.convertResponse(OPENAI, GEMINI, openai).toString());
        assertEquals(claude.toString(), CountTokens.convertResponse(GEMINI, CLAUDE, gemini).toString());
        assertEquals(openai.toString(), CountTokens.convertResponse(GEMINI, OPENAI, gemini).toString());
        // proto3 JSON leaves a zero out
        assertEquals(json("{\"input_tokens\":0}").toString(), CountTokens.convertResponse(GEMINI, CLAUDE, json("{}")).toString());
        assertThrows(TransformException.class, () -> CountTokens.convertResponse(CLAUDE, GEMINI, json("{}")));
        assertThrows(TransformException.class,
                () -> CountTokens.convertResponse(OPENAI, GEMINI, json("{\"input_tokens\":\"many\"}")));
    }

    @Test
    void badBodiesAndMissingModelsDoNotConvert() {
        assertThrows(TransformException.class, () -> convert(CLAUDE, OPENAI, "{\"messages\":\"nope\"}", "gpt-4o"));
        assertThrows(TransformException.class, () -> convert(GEMINI, CLAUDE, GEMINI_PLAIN, null));
        assertThrows(TransformException.class, () -> convert(OPENAI, CLAUDE, "{\"input\":42}", "claude-sonnet-4-5"));
    }

    @Test
    void endpoints() {
        assertEquals("/v1/messages/count_tokens", CountTokens.path(CLAUDE, "claude-sonnet-4-5"));
        assertEquals("/v1/responses/input_tokens", CountTokens.path(OPENAI, "gpt-4o"));
        assertEquals("/v1beta/models/gemini-2.5-flash:countTokens", CountTokens.path(GEMINI, "models/gemini-2.5-flash"));
    }
}
