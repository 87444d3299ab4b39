package io.gproxy.transform.gemini;

import static io.gproxy.transform.gemini.GeminiTestSupport.assertJson;
import static io.gproxy.transform.gemini.GeminiTestSupport.ctx;
import static io.gproxy.transform.gemini.GeminiTestSupport.fixture;
import static io.gproxy.transform.gemini.GeminiTestSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gproxy.transform.TransformContext;
import io.gproxy.transform.TransformException;
import io.gproxy.transform.ir.OpaqueReasoning;
import io.gproxy.transform.ir.Content;
import io.gproxy.transform.ir.Generation;
import io.gproxy.transform.ir.IrRequest;
import io.gproxy.transform.ir.Message;
import io.gproxy.transform.ir.Reasoning;
import io.gproxy.transform.ir.ResponseFormat;
import io.gproxy.transform.ir.Role;
import io.gproxy.transform.ir.Tool;
import io.gproxy.transform.ir.ToolChoice;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

class GeminiRequestDecodeTest {
    private final GeminiCodec codec = new GeminiCodec();

    @Test
    void sdkTextRequestWithEmptyGenerationConfig() throws TransformException {
        TransformContext ctx = ctx();
        IrRequest ir = codec.decodeRequest(fixture("request-sdk-text.json"), ctx);
        assertNull(ir.model());
        assertFalse(ir.stream());
        assertEquals(List.of(new Content.Text("You are a concise assistant.")), ir.system());
        assertEquals(List.of(new Message(Role.USER,
                List.of(new Content.Text("Why is the sky blue? Answer in one sentence.")))), ir.messages());
        assertEquals(Generation.NONE, ir.generation());
        assertNull(ir.responseFormat());
        assertNull(ir.reasoning());
        assertNull(ir.toolChoice());
        assertTrue(ir.tools().isEmpty());
        assertTrue(ctx.loss().isEmpty());
    }

    @Test
    void conversationWithToolsThinkingAndMedia() throws TransformException {
        TransformContext ctx = ctx();
        IrRequest ir = codec.decodeRequest(fixture("request-tools-history.json"), ctx);

        assertEquals(List.of(new Content.Text("You are a travel assistant."),
                new Content.Text("Always use metric units.")), ir.system());
        List<Message> expected = List.of(
                new Message(Role.USER, List.of(
                        new Content.Text("What's the weather where this photo was taken?"),
                        new Content.Image("image/png",
                                "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
                                null, null, null),
                        new Content.Document("application/pdf", null,
                                "https://generativelanguage.googleapis.com/v1beta/files/abc123xyz", null, null, null))),
                new Message(Role.ASSISTANT, List.of(
                        new Content.Reasoning("**Identifying the location**\n\nThe photo shows the Eiffel Tower, so the city is Paris.",
                                null, null, false),
                        new Content.Reasoning(null, "CiQB0e2Kb7Vx1kqYbB5nq1m3c3lGxk0sN0Y2aQ==", null, false, OpaqueReasoning.GOOGLE),
                        new Content.ToolCall("call_0", "get_weather", "{\"city\":\"Paris\",\"unit\":\"celsius\"}", false),
                        new Content.ToolCall("call_1", "get_time", "{\"timezone\":\"Europe/Paris\"}", false))),
                new Message(Role.TOOL, List.of(
                        new Content.ToolResult("call_0", "get_weather",
                                List.of(new Content.Text("{\"temp\":18,\"sky\":\"cloudy\"}")), false),
                        new Content.ToolResult("call_1", "get_time",
                                List.of(new Content.Text("timezone service unavailable")), true))),
                new Message(Role.ASSISTANT, List.of(new Content.Text("It is 18°C and cloudy in Paris."))),
                new Message(Role.USER, List.of(new Content.Text("And tomorrow?"))));
        assertEquals(expected, ir.messages());

        assertEquals(3, ir.tools().size());
        Tool weather = ir.tools().get(0);
        assertEquals("get_weather", weather.name());
        assertEquals("Current weather for a city", weather.description());
        assertEquals(Tool.Kind.FUNCTION, weather.kind());
        assertJson("""
                {"type":"object","properties":{"city":{"type":"string"},
                 "unit":{"type":"string","enum":["celsius","fahrenheit"]}},
                 "required":["city"],"additionalProperties":false}""", weather.parameters());
        assertEquals("get_time", ir.tools().get(1).name());
        assertEquals(Tool.Kind.WEB_SEARCH, ir.tools().get(2).kind());
        assertEquals(ToolChoice.named("get_weather"), ir.toolChoice());

        assertEquals(new Generation(2048, 0.7, 0.95, 40, List.of("END"), 42L, 0.5, 0.25, 1), ir.generation());
        assertEquals(ResponseFormat.Type.JSON_SCHEMA, ir.responseFormat().type());
        assertJson("""
                {"type":"object","properties":{"forecast":{"type":"string"}},"required":["forecast"]}""",
                ir.responseFormat().schema());
        assertEquals(new Reasoning(Reasoning.Mode.ENABLED, null, 1024, true, null), ir.reasoning());

        assertEquals(Set.of("safetySettings", "cachedContent", "tools.codeExecution",
                "generationConfig.responseModalities"), ctx.loss().dropped());
    }

    @Test
    void legacyOpenApiSchemasBecomeJsonSchema() throws TransformException {
        IrRequest ir = codec.decodeRequest(fixture("request-legacy-schema.json"), ctx());
        assertJson("""
                {"type":"object","properties":{
                   "query":{"type":"string","description":"search text"},
                   "limit":{"type":["integer","null"]},
                   "tags":{"type":"array","items":{"type":"string"}}},
                 "required":["query"],"propertyOrdering":["query","limit","tags"]}""",
                ir.tools().get(0).parameters());
        assertEquals(ToolChoice.NONE, ir.toolChoice());
        assertJson("""
                {"type":"array","items":{"type":"object","properties":{"name":{"type":"string"}}}}""",
                ir.responseFormat().schema());
        assertEquals(new Reasoning(null, "low", null, false, null), ir.reasoning());
    }

    @Test
    void functionResponsesWithIdsAndFreeFormResponses() throws TransformException {
        IrRequest ir = codec.decodeRequest(json("""
                {"contents":[
                  {"role":"model","parts":[{"functionCall":{"id":"fc_1","name":"search","args":{"q":"x"}}},
                                           {"functionCall":{"name":"search","args":{"q":"y"}}}]},
                  {"role":"function","parts":[
                     {"functionResponse":{"name":"search","response":{"result":{"hits":3}}}},
                     {"functionResponse":{"id":"fc_1","name":"search","response":{"output":{"hits":1}}}}]},
                  {"role":"user","parts":[{"functionResponse":{"name":"search","response":{"output":"late"}}},
                                          {"text":"thanks"}]}
                ]}"""), ctx());
        assertEquals(List.of(
                new Message(Role.ASSISTANT, List.of(
                        new Content.ToolCall("fc_1", "search", "{\"q\":\"x\"}", false),
                        new Content.ToolCall("call_1", "search", "{\"q\":\"y\"}", false))),
                new Message(Role.TOOL, List.of(
                        // no id: paired with the oldest unanswered call of that name
                        new Content.ToolResult("fc_1", "search", List.of(new Content.Text("{\"result\":{\"hits\":3}}")), false),
                        new Content.ToolResult("fc_1", "search", List.of(new Content.Text("{\"hits\":1}")), false))),
                new Message(Role.TOOL, List.of(
                        new Content.ToolResult("call_1", "search", List.of(new Content.Text("late")), false))),
                new Message(Role.USER, List.of(new Content.Text("thanks")))), ir.messages());
    }

    @Test
    void systemRoleContentAndSignedTextParts() throws TransformException {
        IrRequest ir = codec.decodeRequest(json("""
                {"contents":[
                  {"parts":[{"text":"hi"}]},
                  {"role":"model","parts":[{"text":"Hello!","thoughtSignature":"sig-a"},{"text":"","thoughtSignature":"sig-b"}]},
                  {"role":"system","parts":[{"text":"Be brief from now on."}]}
                ]}"""), ctx());
        assertEquals(List.of(
                new Message(Role.USER, List.of(new Content.Text("hi"))),
                new Message(Role.ASSISTANT, List.of(
                        new Content.Reasoning(null, "sig-a", null, false, OpaqueReasoning.GOOGLE),
                        new Content.Text("Hello!"),
                        new Content.Reasoning(null, "sig-b", null, false, OpaqueReasoning.GOOGLE))),
                new Message(Role.SYSTEM, List.of(new Content.Text("Be brief from now on.")))), ir.messages());
    }

    @Test
    void thinkingConfigVariants() throws TransformException {
        assertEquals(new Reasoning(Reasoning.Mode.DISABLED, null, 0, null, null), reasoning("{\"thinkingBudget\":0}"));
        assertEquals(new Reasoning(Reasoning.Mode.ADAPTIVE, null, null, null, null), reasoning("{\"thinkingBudget\":-1}"));
        assertEquals(new Reasoning(Reasoning.Mode.ADAPTIVE, null, null, true, null), reasoning("{\"includeThoughts\":true}"));
        assertEquals(new Reasoning(Reasoning.Mode.DISABLED, null, null, false, null), reasoning("{\"includeThoughts\":false}"));
        assertEquals(new Reasoning(null, "high", null, true, null),
                reasoning("{\"thinkingLevel\":\"HIGH\",\"includeThoughts\":true}"));
        assertEquals(new Reasoning(null, "minimal", null, null, null), reasoning("{\"thinkingLevel\":\"minimal\"}"));
        assertNull(reasoning("{}"));
    }

    private Reasoning reasoning(String thinkingConfig) throws TransformException {
        return codec.decodeRequest(json("{\"contents\":[],\"generationConfig\":{\"thinkingConfig\":" + thinkingConfig + "}}"),
                ctx()).reasoning();
    }

    @Test
    void toolConfigModes() throws TransformException {
        assertEquals(ToolChoice.AUTO, choice("{\"mode\":\"AUTO\"}"));
        assertEquals(ToolChoice.REQUIRED, choice("{\"mode\":\"ANY\"}"));
        TransformContext ctx = ctx();
        assertEquals(ToolChoice.REQUIRED, codec.decodeRequest(json(
                "{\"toolConfig\":{\"functionCallingConfig\":{\"mode\":\"ANY\",\"allowedFunctionNames\":[\"a\",\"b\"]}}}"),
                ctx).toolChoice());
        assertEquals(Set.of("toolConfig.functionCallingConfig.allowedFunctionNames"), ctx.loss().dropped());
        assertNull(choice("{}"));
    }

    private ToolChoice choice(String fcc) throws TransformException {
        return codec.decodeRequest(json("{\"toolConfig\":{\"functionCallingConfig\":" + fcc + "}}"), ctx()).toolChoice();
    }

    @Test
    void malformedBodiesAreRejected() {
        assertThrows(TransformException.class, () -> codec.decodeRequest(json("[]"), ctx()));
        assertThrows(TransformException.class, () -> codec.decodeRequest(json("{\"contents\":{}}"), ctx()));
        assertThrows(TransformException.class, () -> codec.decodeRequest(json("{\"contents\":[\"x\"]}"), ctx()));
        assertThrows(TransformException.class,
                () -> codec.decodeRequest(json("{\"contents\":[{\"role\":\"user\",\"parts\":\"hi\"}]}"), ctx()));
        assertThrows(TransformException.class, () -> codec.decodeRequest(json(
                "{\"contents\":[{\"role\":\"model\",\"parts\":[{\"functionCall\":{\"args\":{}}}]}]}"), ctx()));
        assertThrows(TransformException.class,
                () -> codec.decodeRequest(json("{\"contents\":[{\"role\":\"robot\",\"parts\":[]}]}"), ctx()));
        assertThrows(TransformException.class, () -> codec.decodeRequest(json("{\"generationConfig\":[]}"), ctx()));
    }
}
