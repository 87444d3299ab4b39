package io.gproxy.transform.gemini;

import static io.gproxy.transform.gemini.GeminiTestSupport.assertJson;
import static io.gproxy.transform.gemini.GeminiTestSupport.ctx;
import static io.gproxy.transform.gemini.GeminiTestSupport.fixture;
import static io.gproxy.transform.gemini.GeminiTestSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.TransformException;
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

class GeminiRequestEncodeTest {
    private final GeminiCodec codec = new GeminiCodec();

    private static IrRequest request(List<Content> system, List<Message> messages) {
        return new IrRequest("gemini-2.5-flash", system, messages, null, null, null, null, null, null, true, null);
    }

    @Test
    void plainTextRequestHasNoModelStreamOrEmptyConfig() {
        TransformContext ctx = ctx();
        ObjectNode body = codec.encodeRequest(request(List.of(new Content.Text("Be concise."), new Content.Text("")),
                List.of(new Message(Role.USER, List.of(new Content.Text("Hi"), new Content.Text(""))))), ctx);
        assertJson("""
                {"contents":[{"role":"user","parts":[{"text":"Hi"}]}],
                 "systemInstruction":{"parts":[{"text":"Be concise."}]}}""", body);
        assertTrue(ctx.loss().isEmpty());
    }

    @Test
    void toolConversationWithSignaturesAndResults() {
        TransformContext ctx = ctx();
        ObjectNode schema = (ObjectNode) json("""
                {"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
                 "properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}""");
        IrRequest ir = new IrRequest("gemini-2.5-flash", List.of(new Content.Text("You are helpful.")), List.of(
                new Message(Role.USER, List.of(new Content.Text("Weather in Paris and Rome?"),
                        new Content.Image(null, null, "data:image/jpeg;base64,/9j/4AAQ", null, "high"),
                        new Content.Image("image/png", null, "https://example.com/a.png", null, null),
                        new Content.Audio("mp3", "SUQzBAAAAAAA"))),
                new Message(Role.ASSISTANT, List.of(
                        new Content.Reasoning("I should call the tool twice.", null, null, false),
                        new Content.Reasoning(null, "c2lnbmF0dXJl", null, false),
                        new Content.ToolCall("call_a", "get_weather", "{\"city\":\"Paris\"}", false),
                        new Content.ToolCall("call_b", "get_weather", "not json", false))),
                new Message(Role.TOOL, List.of(new Content.ToolResult("call_a", null,
                        List.of(new Content.Text("18C")), false))),
                new Message(Role.TOOL, List.of(new Content.ToolResult("call_b", null,
                        List.of(new Content.Text("city unknown")), true))),
                new Message(Role.SYSTEM, List.of(new Content.Text("Answer in French."))),
                new Message(Role.USER, List.of(new Content.Text("Thanks")))),
                List.of(new Tool("get_weather", "Weather for a city", schema, true, Tool.Kind.FUNCTION),
                        new Tool("web_search", null, null, null, Tool.Kind.WEB_SEARCH)),
                ToolChoice.named("get_weather"), false,
                new Generation(1000, 0.2, 0.9, 20, List.of("STOP!"), 7L, 0.1, 0.3, 2),
                new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, "answer", null,
                        (ObjectNode) json("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}"), true),
                new Reasoning(Reasoning.Mode.ENABLED, null, 2048, null, null), true, "user-1");
        ObjectNode body = codec.encodeRequest(ir, ctx);
        assertJson("""
                {"contents":[
                  {"role":"user","parts":[
                     {"text":"Weather in Paris and Rome?"},
                     {"inlineData":{"mimeType":"image/jpeg","data":"/9j/4AAQ"}},
                     {"fileData":{"mimeType":"image/png","fileUri":"https://example.com/a.png"}},
                     {"inlineData":{"mimeType":"audio/mpeg","data":"SUQzBAAAAAAA"}}]},
                  {"role":"model","parts":[
                     {"text":"I should call the tool twice.","thought":true},
                     {"functionCall":{"id":"call_a","name":"get_weather","args":{"city":"Paris"}},
                      "thoughtSignature":"c2lnbmF0dXJl"},
                     {"functionCall":{"id":"call_b","name":"get_weather","args":{}}}]},
                  {"role":"user","parts":[
                     {"functionResponse":{"id":"call_a","name":"get_weather","response":{"output":"18C"}}},
                     {"functionResponse":{"id":"call_b","name":"get_weather","response":{"error":"city unknown"}}}]},
                  {"role":"user","parts":[{"text":"Answer in French."}]},
                  {"role":"user","parts":[{"text":"Thanks"}]}],
                 "systemInstruction":{"parts":[{"text":"You are helpful."}]},
                 "tools":[
                   {"functionDeclarations":[{"name":"get_weather","description":"Weather for a city",
                     "parametersJsonSchema":{"type":"object","properties":{"city":{"type":"string"}},
                       "required":["city"],"additionalProperties":false}}]},
                   {"googleSearch":{}}],
                 "toolConfig":{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["get_weather"]}},
                 "generationConfig":{"maxOutputTokens":1000,"temperature":0.2,"topP":0.9,"topK":20,
                   "stopSequences":["STOP!"],"seed":7,"presencePenalty":0.1,"frequencyPenalty":0.3,
                   "candidateCount":2,"responseMimeType":"application/json",
                   "responseJsonSchema":{"type":"object","properties":{"a":{"type":"string"}}},
                   "thinkingConfig":{"includeThoughts":true,"thinkingBudget":2048}}}""", body);
        assertFalse(body.has("model"));
        assertFalse(body.has("stream"));
        assertEquals(Set.of("image.detail", "tools.parameters.$schema", "tools.strict", "messages.system",
                "parallel_tool_calls", "user", "response_format.name", "response_format.strict"),
                ctx.loss().dropped());
    }

    @Test
    void toolResultNameFallsBackToTheCallIdWithoutAnEarlierCall() {
        ObjectNode body = codec.encodeRequest(request(List.of(), List.of(new Message(Role.TOOL,
                List.of(new Content.ToolResult("toolu_01", null, List.of(), false))))), ctx());
        assertJson("""
                {"contents":[{"role":"user","parts":[
                   {"functionResponse":{"id":"toolu_01","name":"toolu_01","response":{"output":""}}}]}]}""", body);
    }

    @Test
    void gemini3HistoryWithoutSignatureGetsTheDocumentedBypass() {
        List<Message> history = List.of(
                new Message(Role.USER, List.of(new Content.Text("hi"))),
                new Message(Role.ASSISTANT, List.of(new Content.Text("calling"),
                        new Content.ToolCall("c1", "f", "{}", false), new Content.ToolCall("c2", "f", "{}", false))),
                new Message(Role.TOOL, List.of(new Content.ToolResult("c1", "f", List.of(new Content.Text("1")), false),
                        new Content.ToolResult("c2", "f", List.of(new Content.Text("2")), false))));
        IrRequest ir = request(List.of(), history).withModel("gemini-3-pro-preview");
        JsonNode model = codec.encodeRequest(ir, ctx()).get("contents").get(1);
        assertJson("""
                {"role":"model","parts":[{"text":"calling"},
                  {"functionCall":{"id":"c1","name":"f","args":{}},"thoughtSignature":"skip_thought_signature_validator"},
                  {"functionCall":{"id":"c2","name":"f","args":{}}}]}""", model);
        // a real signature is kept, and older models get nothing added
        JsonNode older = codec.encodeRequest(ir.withModel("gemini-2.5-flash"), ctx()).get("contents").get(1);
        assertFalse(older.get("parts").get(1).has("thoughtSignature"));
    }

    @Test
    void trailingSignatureAndEncryptedReasoning() {
        TransformContext ctx = ctx();
        ObjectNode body = codec.encodeRequest(request(List.of(), List.of(new Message(Role.ASSISTANT, List.of(
                new Content.Reasoning(null, null, "cmVkYWN0ZWQ=", false),
                new Content.ToolCall("t1", "f", "{\"a\":1}", false),
                new Content.Reasoning("thinking", "sig", "enc", false),
                new Content.Text("done"),
                new Content.Reasoning(null, "tail", null, false))))), ctx);
        assertJson("""
                {"contents":[{"role":"model","parts":[
                   {"functionCall":{"id":"t1","name":"f","args":{"a":1}},"thoughtSignature":"cmVkYWN0ZWQ="},
                   {"text":"thinking","thought":true,"thoughtSignature":"sig"},
                   {"text":"done"},
                   {"text":"","thoughtSignature":"tail"}]}]}""", body);
        assertEquals(Set.of("reasoning.encrypted"), ctx.loss().dropped());
    }

    @Test
    void reasoningConfigPerSurface() {
        assertJson("{\"includeThoughts\":false,\"thinkingBudget\":0}",
                thinking(new Reasoning(Reasoning.Mode.DISABLED, "none", null, true, null)));
        assertJson("{\"thinkingLevel\":\"MINIMAL\"}", thinking(new Reasoning(null, "minimal", null, null, null)));
        assertJson("{\"thinkingLevel\":\"LOW\"}", thinking(new Reasoning(null, "low", null, null, null)));
        assertJson("{\"thinkingLevel\":\"MEDIUM\"}", thinking(new Reasoning(null, "medium", null, null, null)));
        assertJson("{\"thinkingLevel\":\"HIGH\",\"includeThoughts\":true}",
                thinking(new Reasoning(Reasoning.Mode.ADAPTIVE, "xhigh", null, true, null)));
        assertJson("{\"thinkingBudget\":-1}", thinking(new Reasoning(Reasoning.Mode.ADAPTIVE, null, null, null, null)));
        assertJson("{\"includeThoughts\":true}", thinking(new Reasoning(Reasoning.Mode.ADAPTIVE, null, null, true, null)));
        assertJson("{\"includeThoughts\":true,\"thinkingBudget\":512}",
                thinking(new Reasoning(Reasoning.Mode.ENABLED, null, 512, null, null)));
    }

    @Test
    void gemini25TakesABudgetForAnEffort() {
        // thinkingLevel came with Gemini 3; 2.5 gets the budgets Google's OpenAI layer uses for efforts
        assertJson("{\"thinkingBudget\":1024}", thinking(new Reasoning(null, "low", null, null, null), "gemini-2.5-flash"));
        assertJson("{\"thinkingBudget\":8192}", thinking(new Reasoning(null, "medium", null, null, null), "gemini-2.5-pro"));
        assertJson("{\"includeThoughts\":true,\"thinkingBudget\":24576}",
                thinking(new Reasoning(Reasoning.Mode.ADAPTIVE, "high", null, true, null), "models/gemini-2.5-pro"));
        assertJson("{\"thinkingBudget\":0}", thinking(new Reasoning(null, "none", null, null, null), "gemini-2.0-flash"));
        assertJson("{\"thinkingLevel\":\"LOW\"}", thinking(new Reasoning(null, "low", null, null, null), "gemini-3-pro-preview"));
        assertJson("{\"thinkingLevel\":\"LOW\"}", thinking(new Reasoning(null, "low", null, null, null), "my-alias"));
    }

    private JsonNode thinking(Reasoning reasoning) {
        return thinking(reasoning, null);
    }

    private JsonNode thinking(Reasoning reasoning, String model) {
        IrRequest ir = new IrRequest(model, null, null, null, null, null, null, null, reasoning, false, null);
        return codec.encodeRequest(ir, ctx()).get("generationConfig").get("thinkingConfig");
    }

    @Test
    void toolChoicesAndFormats() {
        assertJson("{\"functionCallingConfig\":{\"mode\":\"AUTO\"}}", toolConfig(ToolChoice.AUTO));
        assertJson("{\"functionCallingConfig\":{\"mode\":\"ANY\"}}", toolConfig(ToolChoice.REQUIRED));
        assertJson("{\"functionCallingConfig\":{\"mode\":\"NONE\"}}", toolConfig(ToolChoice.NONE));
        IrRequest json = new IrRequest(null, null, null, null, null, null, null,
                new ResponseFormat(ResponseFormat.Type.JSON_OBJECT, null, null, null, null), null, false, null);
        assertJson("{\"responseMimeType\":\"application/json\"}", codec.encodeRequest(json, ctx()).get("generationConfig"));
    }

    private JsonNode toolConfig(ToolChoice choice) {
        return codec.encodeRequest(new IrRequest(null, null, null, null, choice, null, null, null, null, false, null),
                ctx()).get("toolConfig");
    }

    @Test
    void customToolsBecomeStringInputFunctions() {
        TransformContext ctx = ctx();
        ObjectNode body = codec.encodeRequest(new IrRequest(null, null, List.of(new Message(Role.ASSISTANT,
                List.of(new Content.ToolCall("ct1", "shell", "ls -la", true)))),
                List.of(new Tool("shell", "Run a command", null, null, Tool.Kind.CUSTOM)),
                null, null, null, null, null, false, null), ctx);
        assertJson("""
                {"contents":[{"role":"model","parts":[{"functionCall":{"id":"ct1","name":"shell","args":{"input":"ls -la"}}}]}],
                 "tools":[{"functionDeclarations":[{"name":"shell","description":"Run a command",
                   "parametersJsonSchema":{"type":"object","properties":{"input":{"type":"string"}},"required":["input"]}}]}]}""",
                body);
        assertEquals(Set.of("tools.custom"), ctx.loss().dropped());
    }

    @Test
    void nativeRequestSurvivesDecodeThenEncode() throws TransformException {
        JsonNode original = fixture("request-tools-history.json");
        ObjectNode again = codec.encodeRequest(codec.decodeRequest(original, ctx()), ctx());
        ObjectNode expected = (ObjectNode) original.deepCopy();
        // what the IR does not carry: safety settings, cached content, code execution, response modalities;
        // function responses are addressed by the ids the decoder assigned
        expected.remove(List.of("safetySettings", "cachedContent"));
        ((com.fasterxml.jackson.databind.node.ArrayNode) expected.get("tools")).remove(2);
        ((ObjectNode) expected.get("generationConfig")).remove("responseModalities");
        ObjectNode model = (ObjectNode) expected.get("contents").get(1);
        ((ObjectNode) model.get("parts").get(1).get("functionCall")).put("id", "call_0");
        ((ObjectNode) model.get("parts").get(2).get("functionCall")).put("id", "call_1");
        ObjectNode results = (ObjectNode) expected.get("contents").get(2);
        ((ObjectNode) results.get("parts").get(0).get("functionResponse")).put("id", "call_0");
        ((ObjectNode) results.get("parts").get(1).get("functionResponse")).put("id", "call_1");
        assertJson(expected, again);
    }
}
