package io.gproxy.transform.claude;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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

import static io.gproxy.transform.claude.ClaudeTestSupport.assertJson;
import static io.gproxy.transform.claude.ClaudeTestSupport.ctx;
import static io.gproxy.transform.claude.ClaudeTestSupport.json;
import static io.gproxy.transform.claude.ClaudeTestSupport.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Messages requests: real-wire fixtures decoded to exact IR, hand-built IR encoded to exact JSON, edge cases. */
class ClaudeRequestCodecTest {
    private final ClaudeCodec codec = new ClaudeCodec();

    @Test
    void decodesAPlainConversationWithSamplingEffortAndSchema() throws Exception {
        TransformContext ctx = ctx();
        IrRequest ir = codec.decodeRequest(json("request-basic.json"), ctx);

        assertEquals("claude-opus-4-6", ir.model());
        assertEquals(List.of(new Content.Text("You are a helpful assistant.")), ir.system());
        assertEquals(List.of(
                new Message(Role.USER, List.of(new Content.Text("Hello, Claude"))),
                new Message(Role.ASSISTANT, List.of(new Content.Text("Hi! How can I help?"))),
                new Message(Role.USER, List.of(new Content.Text("Give me three colours as JSON.")))), ir.messages());
        assertEquals(new Generation(1024, 0.7, 0.9, 40, List.of("\n\nHuman:"), null, null, null, null),
                ir.generation());
        assertEquals(new Reasoning(null, null, null, null, "medium"), ir.reasoning());
        assertEquals(new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, null, null, parse("""
                {"type":"object","properties":{"colours":{"type":"array","items":{"type":"string"}}},
                 "required":["colours"],"additionalProperties":false}"""), null), ir.responseFormat());
        assertEquals("13803d75-b4b5-4c3e-b2a2-6f21399b021b", ir.user());
        assertFalse(ir.stream());
        assertTrue(ir.tools().isEmpty());
        assertNull(ir.toolChoice());
        assertNull(ir.parallelToolCalls());
        assertTrue(ctx.loss().isEmpty());
    }

    @Test
    void decodesAToolConversationSplittingToolResultsAheadOfUserContent() throws Exception {
        TransformContext ctx = ctx();
        IrRequest ir = codec.decodeRequest(json("request-tools.json"), ctx);

        assertEquals(List.of(new Content.Text("You are Claude Code, Anthropic's official CLI for Claude."),
                new Content.Text("Answer concisely.")), ir.system());
        assertEquals(List.of(
                new Message(Role.USER, List.of(new Content.Text("What's the weather in Paris? Here is a map."),
                        new Content.Image("image/png", "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", null, null, null))),
                new Message(Role.ASSISTANT, List.of(
                        new Content.Reasoning("The user wants the weather in Paris. I should call get_weather.",
                                "EqQBCkYIBxgCKkDkAqYmPK0l2VjT4B3oBb8qNLiZJ3vEHq1JwUQp9VXeYw==", null, false),
                        new Content.Text("Let me check the weather."),
                        new Content.ToolCall("toolu_01A09q90qw90lq917835lq9", "get_weather",
                                "{\"location\":\"Paris, France\",\"unit\":\"celsius\"}", false))),
                new Message(Role.TOOL, List.of(new Content.ToolResult("toolu_01A09q90qw90lq917835lq9", "get_weather",
                        List.of(new Content.Text("15 degrees, light rain")), false))),
                new Message(Role.USER, List.of(new Content.Text("Also read the attached report."),
                        new Content.Document("application/pdf", null, "https://example.com/q3-report.pdf", null,
                                "Q3 report", null))),
                new Message(Role.ASSISTANT, List.of(
                        new Content.Reasoning(null, null, "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB5URj", false),
                        new Content.ToolCall("toolu_01B7sK2yWJ4qkY3Dn4cXR8fz", "read_file", "{\"path\":\"/tmp/q3.txt\"}",
                                false))),
                new Message(Role.TOOL, List.of(new Content.ToolResult("toolu_01B7sK2yWJ4qkY3Dn4cXR8fz", "read_file",
                        List.of(new Content.Text("ENOENT: no such file or directory")), true)))), ir.messages());
        assertEquals(List.of(
                new Tool("get_weather", "Get the current weather in a given location", parse("""
                        {"type":"object","properties":{
                          "location":{"type":"string","description":"The city and state, e.g. San Francisco, CA"},
                          "unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["location"]}"""),
                        null, Tool.Kind.FUNCTION),
                new Tool("read_file", "Read a file from disk", parse("""
                        {"type":"object","properties":{"path":{"type":"string"}},"required":["path"]}"""), null,
                        Tool.Kind.FUNCTION),
                new Tool("web_search", null, null, null, Tool.Kind.WEB_SEARCH)), ir.tools());
        assertEquals(ToolChoice.AUTO, ir.toolChoice());
        assertEquals(Boolean.FALSE, ir.parallelToolCalls());
        assertEquals(Generation.NONE.withMaxTokens(32000), ir.generation());
        assertEquals(new Reasoning(Reasoning.Mode.ENABLED, null, 10000, null, null), ir.reasoning());
        assertTrue(ir.stream());
        assertEquals("user_2f9a", ir.user());
        assertEquals(Set.of("cache_control", "web_search.max_uses"), ctx.loss().dropped());
    }

    @Test
    void decodeThenEncodeReproducesTheNativeToolRequest() throws Exception {
        JsonNode nativeBody = json("request-tools.json");
        TransformContext ctx = ctx();
        ObjectNode encoded = codec.encodeRequest(codec.decodeRequest(nativeBody, ctx), ctx);

        // What the IR cannot carry: cache_control, server tool options; a one-text tool_result becomes a string.
        ObjectNode expected = nativeBody.deepCopy();
        ((ObjectNode) expected.get("system").get(1)).remove("cache_control");
        ((ObjectNode) expected.get("tools").get(1)).remove("cache_control");
        ((ObjectNode) expected.get("tools").get(2)).remove("max_uses");
        ObjectNode errorResult = (ObjectNode) expected.get("messages").get(4).get("content").get(0);
        errorResult.put("content", "ENOENT: no such file or directory");
        assertJson(expected, encoded);
    }

    @Test
    void decodeThenEncodeReproducesTheNativeBasicRequest() throws Exception {
        JsonNode nativeBody = json("request-basic.json");
        TransformContext ctx = ctx();
        ObjectNode encoded = codec.encodeRequest(codec.decodeRequest(nativeBody, ctx), ctx);

        ObjectNode expected = nativeBody.deepCopy();
        // String content becomes one text block; stream is always written.
        for (JsonNode m : expected.get("messages")) {
            String text = m.get("content").asText();
            ArrayNode blocks = ((ObjectNode) m).putArray("content");
            blocks.addObject().put("type", "text").put("text", text);
        }
        String system = expected.get("system").asText();
        expected.putArray("system").addObject().put("type", "text").put("text", system);
        expected.put("stream", false);
        assertJson(expected, encoded);
    }

    @Test
    void encodesAChatShapedConversationUnderClaudesRules() {
        IrRequest ir = new IrRequest("claude-sonnet-4-5", List.of(new Content.Text("Be helpful."), new Content.Text("")),
                List.of(
                        new Message(Role.SYSTEM, List.of(new Content.Text("Leading developer note."))),
                        new Message(Role.USER, List.of(new Content.Text("Look at this"),
                                new Content.Image(null, null, "data:image/jpeg;base64,/9j/4AAQ", null, "high"))),
                        new Message(Role.USER, List.of(new Content.Text("and answer"))),
                        new Message(Role.ASSISTANT, List.of(
                                new Content.Reasoning("unsigned thought", null, null, false),
                                new Content.Text(""),
                                new Content.Text("Calling tools."),
                                new Content.ToolCall("call_abc-123", "lookup", "{\"q\":\"x\"}", false),
                                new Content.ToolCall("call_def", "lookup", "not json", false))),
                        new Message(Role.TOOL, List.of(new Content.ToolResult("call_abc-123", "lookup",
                                List.of(new Content.Text("result one")), false))),
                        new Message(Role.TOOL, List.of(new Content.ToolResult("call_def", "lookup",
                                List.of(new Content.Text("boom")), true))),
                        new Message(Role.SYSTEM, List.of(new Content.Text("Now be brief."))),
                        new Message(Role.USER, List.of(new Content.Text("Thanks, summarise."))),
                        new Message(Role.ASSISTANT, List.of(new Content.Reasoning("signed thought", "sig123", null, false),
                                new Content.Text("Summary."))),
                        new Message(Role.USER, List.of(new Content.Audio("wav", "AAAA"), new Content.Text("more?")))),
                List.of(new Tool("lookup", null, parse("{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}}}"),
                                true, Tool.Kind.FUNCTION),
                        new Tool("patch", "Apply a patch", null, null, Tool.Kind.CUSTOM),
                        new Tool("web_search", null, null, null, Tool.Kind.WEB_SEARCH)),
                null, false,
                new Generation(null, 0.2, null, null, List.of("END"), 42L, 0.1, null, 1),
                new ResponseFormat(ResponseFormat.Type.JSON_OBJECT, null, null, null, null),
                new Reasoning(null, "high", null, null, null), false, "u-1");
        TransformContext ctx = ctx();

        assertJson("""
                {"model":"claude-sonnet-4-5","max_tokens":16384,
                 "system":[{"type":"text","text":"Be helpful."},{"type":"text","text":"Leading developer note."}],
                 "messages":[
                  {"role":"user","content":[{"type":"text","text":"Look at this"},
                    {"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"/9j/4AAQ"}},
                    {"type":"text","text":"and answer"}]},
                  {"role":"assistant","content":[{"type":"text","text":"Calling tools."},
                    {"type":"tool_use","id":"toolu_call_abc_123","name":"lookup","input":{"q":"x"}},
                    {"type":"tool_use","id":"toolu_call_def","name":"lookup","input":{}}]},
                  {"role":"user","content":[
                    {"type":"tool_result","tool_use_id":"toolu_call_abc_123","content":"result one"},
                    {"type":"tool_result","tool_use_id":"toolu_call_def","content":"boom","is_error":true},
                    {"type":"text","text":"Now be brief."},{"type":"text","text":"Thanks, summarise."}]},
                  {"role":"assistant","content":[{"type":"thinking","thinking":"signed thought","signature":"sig123"},
                    {"type":"text","text":"Summary."}]},
                  {"role":"user","content":[{"type":"text","text":"more?"}]}],
                 "tools":[
                  {"name":"lookup","input_schema":{"type":"object","properties":{"q":{"type":"string"}}},"strict":true},
                  {"name":"patch","description":"Apply a patch","input_schema":{"type":"object","properties":{}}},
                  {"type":"web_search_20250305","name":"web_search"}],
                 "tool_choice":{"type":"auto","disable_parallel_tool_use":true},
                 "thinking":{"type":"adaptive"},
                 "output_config":{"effort":"high"},
                 "stop_sequences":["END"],
                 "metadata":{"user_id":"u-1"},
                 "stream":false}""", codec.encodeRequest(ir, ctx));
        assertEquals(Set.of("image.detail", "reasoning(unsigned)", "tool_call.arguments", "system(mid-conversation)",
                "input_audio", "response_format.json_object", "temperature", "seed", "presence_penalty"),
                ctx.loss().dropped());
    }

    @Test
    void toolIdsAreNormalisedOncePerRequestAndNeverCollide() {
        ClaudeToolIds ids = new ClaudeToolIds();
        assertEquals("toolu_01abc", ids.forCall("toolu_01abc"));
        assertEquals("toolu_01abc", ids.forResult("toolu_01abc"));
        assertEquals("toolu_call_abc_123", ids.forCall("call_abc-123"));
        assertEquals("toolu_call_abc_123", ids.forResult("call_abc-123"));
        assertEquals("toolu_call_abc_123_2", ids.forCall("call_abc_123"));
        assertEquals("toolu_generated", ids.forCall("--"));
        assertEquals("toolu_generated_2", ids.forCall(null));
        assertEquals("toolu_fc_7_x", ids.forCall("_fc.7:x_"));
        assertEquals("toolu_orphan", ids.forResult("orphan"));
        assertEquals("toolu_orphan", ids.forCall("orphan"), "a result seen first still matches its call");
        assertEquals("generated", ClaudeToolIds.sanitise("é"));
    }

    @Test
    void aReusedForeignIdGetsAFreshIdAndItsLaterResultFollows() {
        // Gemini numbers calls by position, so every turn has a call_0.
        TransformContext ctx = ctx();
        ObjectNode body = codec.encodeRequest(request(List.of(
                userText("go"),
                new Message(Role.ASSISTANT, List.of(new Content.ToolCall("call_0", "a", "{}", false))),
                new Message(Role.TOOL, List.of(new Content.ToolResult("call_0", "a", List.of(new Content.Text("1")), false))),
                new Message(Role.ASSISTANT, List.of(new Content.ToolCall("call_0", "b", "{}", false))),
                new Message(Role.TOOL, List.of(new Content.ToolResult("call_0", "b", List.of(new Content.Text("2")), false),
                        new Content.ToolResult("call_0", "b", List.of(new Content.Text("2 again")), false)))),
                Generation.NONE, null), ctx);
        assertEquals("toolu_call_0", body.at("/messages/1/content/0/id").asText());
        assertEquals("toolu_call_0", body.at("/messages/2/content/0/tool_use_id").asText());
        assertEquals("toolu_call_0_2", body.at("/messages/3/content/0/id").asText());
        assertJson("[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_call_0_2\",\"content\":\"2\"}]",
                body.at("/messages/4/content"));
        assertEquals(Set.of("tool_result(duplicate)"), ctx.loss().dropped());
    }

    @Test
    void aToolCallAndItsResultGetTheSameNewIdAcrossTurns() {
        IrRequest ir = request(List.of(
                new Message(Role.USER, List.of(new Content.Text("go"))),
                new Message(Role.ASSISTANT, List.of(new Content.ToolCall("functions.run:0", "run", "{}", false))),
                new Message(Role.TOOL, List.of(new Content.ToolResult("functions.run:0", null, List.of(), false)))),
                Generation.NONE, null);
        ObjectNode body = codec.encodeRequest(ir, ctx());
        assertEquals("toolu_functions_run_0", body.at("/messages/1/content/0/id").asText());
        assertEquals("toolu_functions_run_0", body.at("/messages/2/content/0/tool_use_id").asText());
        assertFalse(body.at("/messages/2/content/0").has("content"), "an empty result has no content");
    }

    @Test
    void toolResultsLeadTheirUserTurnEvenWhenTextCameFirst() {
        TransformContext ctx = ctx();
        ObjectNode body = codec.encodeRequest(request(List.of(
                userText("q"),
                new Message(Role.ASSISTANT, List.of(new Content.ToolCall("toolu_1", "f", "{}", false))),
                new Message(Role.SYSTEM, List.of(new Content.Text("note"))),
                userText("also this"),
                new Message(Role.TOOL, List.of(new Content.ToolResult("toolu_1", "f",
                        List.of(new Content.Text("a"), new Content.Image("image/png", "iVBOR", null, null, null)), false))),
                userText("more")), Generation.NONE, null), ctx);
        assertJson("""
                [{"role":"user","content":[{"type":"text","text":"q"}]},
                 {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"f","input":{}}]},
                 {"role":"user","content":[
                   {"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"a"},
                     {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBOR"}}]},
                   {"type":"text","text":"note"},{"type":"text","text":"also this"},{"type":"text","text":"more"}]}]""",
                body.get("messages"));
        assertEquals(Set.of("system(mid-conversation)"), ctx.loss().dropped());
    }

    @Test
    void thinkingIsDisabledWhenTheLastToolCallingTurnHasNoSignedThinking() {
        List<Message> chatHistory = List.of(userText("q"),
                new Message(Role.ASSISTANT, List.of(new Content.Reasoning("from a Chat upstream", null, null, false),
                        new Content.ToolCall("call_1", "f", "{}", false))),
                new Message(Role.TOOL, List.of(new Content.ToolResult("call_1", "f", List.of(new Content.Text("r")), false))));
        TransformContext ctx = ctx();
        ObjectNode body = codec.encodeRequest(request(chatHistory, new Generation(null, 0.2, null, null, null, null,
                null, null, null), new Reasoning(null, "high", null, null, null)), ctx);
        assertJson("{\"type\":\"disabled\"}", body.get("thinking"));
        assertJson("{\"effort\":\"high\"}", body.get("output_config"));
        assertEquals(0.2, body.get("temperature").asDouble());
        assertEquals(Set.of("reasoning(unsigned)", "thinking"), ctx.loss().dropped());

        List<Message> signed = List.of(userText("q"),
                new Message(Role.ASSISTANT, List.of(new Content.Reasoning("t", "sig", null, false),
                        new Content.ToolCall("toolu_1", "f", "{}", false))),
                new Message(Role.TOOL, List.of(new Content.ToolResult("toolu_1", "f", List.of(), false))));
        assertJson("{\"type\":\"adaptive\"}", codec.encodeRequest(request(signed, Generation.NONE,
                new Reasoning(Reasoning.Mode.ADAPTIVE, null, null, null, null)), ctx()).get("thinking"));
    }

    @Test
    void anEchoedEmptySignatureIsNotSentToTheApi() {
        TransformContext ctx = ctx();
        ObjectNode body = codec.encodeRequest(request(List.of(userText("q"),
                new Message(Role.ASSISTANT, List.of(new Content.Reasoning("shown to a Claude client", "", null, false),
                        new Content.Text("a")))), Generation.NONE, null), ctx);
        assertJson("[{\"type\":\"text\",\"text\":\"a\"}]", body.at("/messages/1/content"));
        assertEquals(Set.of("reasoning(unsigned)"), ctx.loss().dropped());
    }

    @Test
    void thinkingBudgetFitsUnderMaxTokens() {
        TransformContext ctx = ctx();
        ObjectNode grown = codec.encodeRequest(request(List.of(userText("hi")), Generation.NONE,
                new Reasoning(Reasoning.Mode.ENABLED, null, 20000, true, null)), ctx);
        assertEquals(20000 + 16384, grown.get("max_tokens").asInt());
        assertJson("{\"type\":\"enabled\",\"budget_tokens\":20000,\"display\":\"summarized\"}", grown.get("thinking"));

        ObjectNode shrunk = codec.encodeRequest(request(List.of(userText("hi")), Generation.NONE.withMaxTokens(4096),
                new Reasoning(Reasoning.Mode.ENABLED, null, 8000, false, null)), ctx);
        assertEquals(4096, shrunk.get("max_tokens").asInt());
        assertJson("{\"type\":\"enabled\",\"budget_tokens\":4095,\"display\":\"omitted\"}", shrunk.get("thinking"));
        assertTrue(ctx.loss().dropped().contains("thinking.budget_tokens"));

        ObjectNode off = codec.encodeRequest(request(List.of(userText("hi")), Generation.NONE,
                new Reasoning(Reasoning.Mode.ENABLED, null, 0, null, null)), ctx());
        assertJson("{\"type\":\"disabled\"}", off.get("thinking"));

        ObjectNode none = codec.encodeRequest(request(List.of(userText("hi")),
                new Generation(null, 0.3, 0.5, 5, null, null, null, null, null),
                new Reasoning(null, "none", null, null, null)), ctx());
        assertJson("{\"type\":\"disabled\"}", none.get("thinking"));
        assertEquals(0.3, none.get("temperature").asDouble(), "sampling stays when thinking is off");
        assertEquals(5, none.get("top_k").asInt());
        assertFalse(none.has("output_config"));
    }

    @Test
    void verbosityWinsOverEffortForOutputEffort() {
        ObjectNode body = codec.encodeRequest(request(List.of(userText("hi")), Generation.NONE,
                new Reasoning(Reasoning.Mode.ADAPTIVE, "minimal", null, null, "low")), ctx());
        assertJson("{\"effort\":\"low\"}", body.get("output_config"));
        ObjectNode fromEffort = codec.encodeRequest(request(List.of(userText("hi")), Generation.NONE,
                new Reasoning(null, "xhigh", null, null, null)), ctx());
        assertJson("{\"effort\":\"xhigh\"}", fromEffort.get("output_config"));
        assertJson("{\"type\":\"adaptive\"}", fromEffort.get("thinking"));
    }

    @Test
    void documentsAndImagesMapToClaudeSources() {
        TransformContext ctx = ctx();
        IrRequest ir = request(List.of(new Message(Role.USER, List.of(
                new Content.Document("application/pdf", "JVBERi0x", null, null, "a.pdf", null),
                new Content.Document("text/plain", "aGVsbG8=", null, null, null, null),
                new Content.Document(null, null, null, null, "notes", "plain notes"),
                new Content.Document(null, null, null, "file_011", null, null),
                new Content.Document("application/vnd.ms-excel", "AAAA", null, null, "x.xls", null),
                new Content.Image(null, "R0lGODlh", null, null, null),
                new Content.Image(null, null, "https://example.com/cat.png", null, null),
                new Content.Image(null, null, null, "file_022", null)))), Generation.NONE, null);
        assertJson("""
                [{"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0x"},"title":"a.pdf"},
                 {"type":"document","source":{"type":"text","media_type":"text/plain","data":"hello"}},
                 {"type":"document","source":{"type":"text","media_type":"text/plain","data":"plain notes"},"title":"notes"},
                 {"type":"document","source":{"type":"file","file_id":"file_011"}},
                 {"type":"image","source":{"type":"base64","media_type":"image/gif","data":"R0lGODlh"}},
                 {"type":"image","source":{"type":"url","url":"https://example.com/cat.png"}},
                 {"type":"image","source":{"type":"file","file_id":"file_022"}}]""".replace("\n", ""),
                codec.encodeRequest(ir, ctx).at("/messages/0/content"));
        assertEquals(Set.of("document(application/vnd.ms-excel)"), ctx.loss().dropped());
    }

    @Test
    void toolChoiceForms() {
        Tool t = new Tool("f", null, null, null, Tool.Kind.FUNCTION);
        assertJson("{\"type\":\"any\",\"disable_parallel_tool_use\":false}",
                withTools(List.of(t), ToolChoice.REQUIRED, true).get("tool_choice"));
        assertJson("{\"type\":\"tool\",\"name\":\"f\"}", withTools(List.of(t), ToolChoice.named("f"), null).get("tool_choice"));
        assertJson("{\"type\":\"none\"}", withTools(List.of(t), ToolChoice.NONE, false).get("tool_choice"));
        assertFalse(withTools(List.of(t), null, true).has("tool_choice"));
        ObjectNode noTools = withTools(List.of(), ToolChoice.REQUIRED, false);
        assertFalse(noTools.has("tool_choice"));
        assertFalse(noTools.has("tools"));
        assertJson("{\"type\":\"object\",\"properties\":{}}", withTools(List.of(t), null, null).at("/tools/0/input_schema"));
    }

    @Test
    void decodesToolChoiceAndThinkingVariants() throws Exception {
        IrRequest ir = codec.decodeRequest(parse("""
                {"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],
                 "tools":[{"type":"custom","name":"f","input_schema":{"type":"object"},"strict":true},
                          {"type":"bash_20250124","name":"bash"}],
                 "tool_choice":{"type":"tool","name":"f","disable_parallel_tool_use":false},
                 "thinking":{"type":"disabled"},"output_config":{"effort":"max"},
                 "service_tier":"auto"}"""), ctx());
        assertEquals(ToolChoice.named("f"), ir.toolChoice());
        assertEquals(Boolean.TRUE, ir.parallelToolCalls());
        assertEquals(List.of(new Tool("f", null, parse("{\"type\":\"object\"}"), true, Tool.Kind.FUNCTION)), ir.tools());
        assertEquals(new Reasoning(Reasoning.Mode.DISABLED, null, null, null, "high"), ir.reasoning());

        TransformContext ctx = ctx();
        codec.decodeRequest(parse("""
                {"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],
                 "tools":[{"type":"bash_20250124","name":"bash"}],"service_tier":"auto"}"""), ctx);
        assertEquals(Set.of("tools.bash_20250124", "service_tier"), ctx.loss().dropped());
    }

    @Test
    void serverToolBlocksInHistoryAreDroppedWithANote() throws Exception {
        TransformContext ctx = ctx();
        IrRequest ir = codec.decodeRequest(parse("""
                {"model":"m","max_tokens":5,"messages":[
                  {"role":"user","content":"weather?"},
                  {"role":"assistant","content":[
                    {"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{"query":"w"}},
                    {"type":"web_search_tool_result","tool_use_id":"srvtoolu_1","content":[]},
                    {"type":"text","text":"Sunny.","citations":[{"type":"web_search_result_location","url":"u","title":"t","encrypted_index":"e","cited_text":"c"}]}]}]}"""),
                ctx);
        assertEquals(new Message(Role.ASSISTANT, List.of(new Content.Text("Sunny."))), ir.messages().get(1));
        assertEquals(Set.of("server_tool_use", "web_search_tool_result", "citations"), ctx.loss().dropped());
    }

    @Test
    void malformedRequestsDoNotDecode() {
        assertThrows(TransformException.class, () -> codec.decodeRequest(parse("{\"model\":\"m\"}"), ctx()));
        assertThrows(TransformException.class,
                () -> codec.decodeRequest(parse("{\"messages\":{\"role\":\"user\"}}"), ctx()));
        assertThrows(TransformException.class,
                () -> codec.decodeRequest(parse("{\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}"), ctx()));
        assertThrows(TransformException.class,
                () -> codec.decodeRequest(parse("{\"messages\":[{\"role\":\"user\",\"content\":5}]}"), ctx()));
        assertThrows(TransformException.class,
                () -> codec.decodeRequest(parse("{\"model\":7,\"messages\":[]}"), ctx()));
        assertThrows(TransformException.class, () -> codec.decodeRequest(
                parse("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\"}]}]}"), ctx()));
        assertThrows(TransformException.class,
                () -> codec.decodeRequest(Json_array(), ctx()));
    }

    @Test
    void wrongTypedOptionalScalarsAreDroppedNotFatal() throws Exception {
        TransformContext ctx = ctx();
        IrRequest ir = codec.decodeRequest(parse("""
                {"model":"m","max_tokens":"lots","temperature":"hot","stream":"yes",
                 "messages":[{"role":"user","content":"x"}]}"""), ctx);
        assertNull(ir.generation().maxTokens());
        assertNull(ir.generation().temperature());
        assertFalse(ir.stream());
        assertEquals(Set.of("max_tokens", "temperature"), ctx.loss().dropped());
    }

    private static JsonNode Json_array() {
        return io.gproxy.protocol.Json.MAPPER.createArrayNode();
    }

    private ObjectNode withTools(List<Tool> tools, ToolChoice choice, Boolean parallel) {
        return codec.encodeRequest(new IrRequest("m", List.of(), List.of(userText("x")), tools, choice, parallel,
                Generation.NONE, null, null, false, null), ctx());
    }

    private static Message userText(String text) {
        return new Message(Role.USER, List.of(new Content.Text(text)));
    }

    private static IrRequest request(List<Message> messages, Generation g, Reasoning reasoning) {
        return new IrRequest("m", List.of(), messages, List.of(), null, null, g, null, reasoning, false, null);
    }
}
