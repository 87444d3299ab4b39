package io.gproxy.transform.chat;

import io.gproxy.transform.TransformContext;
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

import static io.gproxy.transform.chat.ChatTestSupport.CODEC;
import static io.gproxy.transform.chat.ChatTestSupport.assertJson;
import static io.gproxy.transform.chat.ChatTestSupport.ctx;
import static io.gproxy.transform.chat.ChatTestSupport.fixture;
import static io.gproxy.transform.chat.ChatTestSupport.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ChatRequestEncodeTest {

    /** What a Claude client's request looks like once decoded: every content kind, thinking, an error result. */
    @Test
    void fullRequestFromAClaudeShapedIr() {
        TransformContext ctx = ctx();
        IrRequest ir = new IrRequest("claude-sonnet-4-5",
                List.of(new Content.Text("You are Claude."), new Content.Text("Be brief.")),
                List.of(new Message(Role.USER, List.of(
                                new Content.Text("Look:"),
                                new Content.Image("image/jpeg", "/9j/4AAQ", null, null, "low"),
                                new Content.Image(null, null, "https://example.com/cat.png", null, null),
                                new Content.Document("application/pdf", "JVBERi0x", null, null, "spec.pdf", null),
                                new Content.Document("text/plain", null, null, null, "notes.txt", "plain document text"),
                                new Content.Audio("mp3", "UklGR"))),
                        new Message(Role.ASSISTANT, List.of(
                                new Content.Reasoning("Need the weather.", "sig-1", null, false),
                                new Content.Reasoning(null, null, "redacted-bytes", false),
                                new Content.Text("Checking."),
                                new Content.ToolCall("toolu_01", "get_weather", "{\"city\":\"Paris\"}", false))),
                        new Message(Role.TOOL, List.of(new Content.ToolResult("toolu_01", "get_weather",
                                List.of(new Content.Text("timeout")), true))),
                        new Message(Role.USER, List.of(new Content.Text("Try again")))),
                List.of(new Tool("get_weather", "Weather",
                                obj("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"), true, Tool.Kind.FUNCTION),
                        new Tool("sql", "Run SQL", null, null, Tool.Kind.CUSTOM),
                        new Tool("web_search", null, null, null, Tool.Kind.WEB_SEARCH)),
                ToolChoice.named("get_weather"), false,
                new Generation(4096, 0.2, null, 40, List.of("###"), null, null, null, null),
                new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, null, null, obj("{\"type\":\"object\"}"), true),
                new Reasoning(Reasoning.Mode.ENABLED, null, 2048, null, null), true, "u-1");
        assertJson("""
                {"model":"claude-sonnet-4-5",
                 "messages":[
                  {"role":"system","content":[{"type":"text","text":"You are Claude."},{"type":"text","text":"Be brief."}]},
                  {"role":"user","content":[
                    {"type":"text","text":"Look:"},
                    {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/4AAQ","detail":"low"}},
                    {"type":"image_url","image_url":{"url":"https://example.com/cat.png"}},
                    {"type":"file","file":{"file_data":"data:application/pdf;base64,JVBERi0x","filename":"spec.pdf"}},
                    {"type":"text","text":"plain document text"},
                    {"type":"input_audio","input_audio":{"data":"UklGR","format":"mp3"}}]},
                  {"role":"assistant","content":"Checking.",
                   "reasoning_content":"Need the weather.",
                   "reasoning_details":[
                     {"type":"reasoning.text","id":"reasoning_0","index":0,"text":"Need the weather.","signature":"sig-1"},
                     {"type":"reasoning.encrypted","id":"reasoning_1","index":1,"data":"redacted-bytes"}],
                   "tool_calls":[{"id":"toolu_01","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
                  {"role":"tool","tool_call_id":"toolu_01","content":"timeout"},
                  {"role":"user","content":"Try again"}],
                 "tools":[
                  {"type":"function","function":{"name":"get_weather","description":"Weather",
                    "parameters":{"type":"object","properties":{"city":{"type":"string"}}},"strict":true}},
                  {"type":"custom","custom":{"name":"sql","description":"Run SQL"}}],
                 "web_search_options":{},
                 "tool_choice":{"type":"function","function":{"name":"get_weather"}},
                 "parallel_tool_calls":false,
                 "max_completion_tokens":4096,
                 "temperature":0.2,
                 "stop":["###"],
                 "response_format":{"type":"json_schema","json_schema":{"name":"response","schema":{"type":"object"},"strict":true}},
                 "reasoning_effort":"medium",
                 "user":"u-1",
                 "stream":true,
                 "stream_options":{"include_usage":true}}
                """, CODEC.encodeRequest(ir, ctx));
        assertEquals(Set.of("top_k", "reasoning.budget_tokens", "tool_result.is_error", "document.title"),
                ctx.loss().dropped());
    }

    @Test
    void minimalNonStreamRequest() {
        IrRequest ir = new IrRequest("gpt-4o-mini", List.of(), List.of(new Message(Role.USER, List.of(new Content.Text("Hi")))),
                List.of(), null, null, null, null, null, false, null);
        assertJson("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"stream\":false}",
                CODEC.encodeRequest(ir, ctx()));
    }

    @Test
    void toolResultsInsideAUserTurnKeepTheirPlaceAndUnexpressibleThingsAreNoted() {
        TransformContext ctx = ctx();
        IrRequest ir = new IrRequest("m", List.of(),
                List.of(new Message(Role.ASSISTANT, List.of(new Content.ToolCall("c1", "f", "{}", false),
                                new Content.ToolCall("c2", "code", "ls -la", true))),
                        new Message(Role.USER, List.of(
                                new Content.Text("before"),
                                new Content.ToolResult("c1", "f", List.of(new Content.Text("a"), new Content.Text("b"),
                                        new Content.Image("image/png", "iVBOR", null, null, null)), false),
                                new Content.ToolResult("c2", "code", List.of(), false),
                                new Content.Image(null, null, null, "file-abc", null),
                                new Content.Document(null, null, "https://x/doc.pdf", null, null, null),
                                new Content.Text("after"))),
                        new Message(Role.SYSTEM, List.of(new Content.Text("late instruction")))),
                List.of(new Tool("web_search", null, null, null, Tool.Kind.WEB_SEARCH)),
                ToolChoice.REQUIRED, true, Generation.NONE, null,
                new Reasoning(Reasoning.Mode.DISABLED, null, null, null, "high"), false, null);
        assertJson("""
                {"model":"m","messages":[
                  {"role":"assistant","content":null,"tool_calls":[
                    {"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}},
                    {"id":"c2","type":"custom","custom":{"name":"code","input":"ls -la"}}]},
                  {"role":"user","content":"before"},
                  {"role":"tool","tool_call_id":"c1","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]},
                  {"role":"tool","tool_call_id":"c2","content":""},
                  {"role":"user","content":[{"type":"file","file":{"file_id":"file-abc"}},{"type":"text","text":"after"}]},
                  {"role":"system","content":"late instruction"}],
                 "web_search_options":{},
                 "reasoning_effort":"none","verbosity":"high",
                 "stream":false}
                """, CODEC.encodeRequest(ir, ctx));
        assertEquals(Set.of("tool_result.image", "document.url", "tool_choice", "parallel_tool_calls"),
                ctx.loss().dropped());
    }

    @Test
    void namedCustomToolChoiceAndGeminiStyleThoughtsOff() {
        IrRequest ir = new IrRequest("m", List.of(), List.of(), List.of(new Tool("code", null, null, null, Tool.Kind.CUSTOM)),
                ToolChoice.named("code"), null, null, new ResponseFormat(ResponseFormat.Type.JSON_OBJECT, null, null, null, null),
                new Reasoning(null, null, null, false, null), false, null);
        assertJson("""
                {"model":"m","messages":[],"tools":[{"type":"custom","custom":{"name":"code"}}],
                 "tool_choice":{"type":"custom","custom":{"name":"code"}},
                 "response_format":{"type":"json_object"},"reasoning_effort":"none","stream":false}
                """, CODEC.encodeRequest(ir, ctx()));
    }

    /** A native request decoded and re-encoded keeps everything Chat means by it. */
    @Test
    void nativeRequestSurvivesDecodeThenEncode() throws Exception {
        TransformContext ctx = ctx();
        var encoded = CODEC.encodeRequest(CODEC.decodeRequest(fixture("request_tools_vision.json"), ctx), ctx);
        assertJson("""
                {"model":"gpt-4.1",
                 "messages":[
                  {"role":"system","content":[{"type":"text","text":"You are a weather bot."},{"type":"text","text":"Answer briefly."}]},
                  {"role":"user","content":[
                    {"type":"text","text":"What is in this image, and what's the weather there?"},
                    {"type":"image_url","image_url":{"url":"https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg","detail":"high"}},
                    {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="}},
                    {"type":"file","file":{"filename":"report.pdf","file_data":"data:application/pdf;base64,JVBERi0xLjQK"}},
                    {"type":"file","file":{"file_id":"file-6F2ksmvXxt4VdoqmHRw6kL"}},
                    {"type":"input_audio","input_audio":{"data":"UklGRiQAAABXQVZF","format":"wav"}}]},
                  {"role":"assistant","content":null,"tool_calls":[
                    {"id":"call_abc123","type":"function","function":{"name":"get_weather","arguments":"{\\"location\\":\\"Paris, France\\"}"}},
                    {"id":"call_def456","type":"function","function":{"name":"get_time","arguments":"{\\"tz\\":\\"Europe/Paris\\"}"}}]},
                  {"role":"tool","tool_call_id":"call_abc123","content":"{\\"temperature\\":18,\\"unit\\":\\"celsius\\"}"},
                  {"role":"tool","tool_call_id":"call_def456","content":"14:05"},
                  {"role":"user","content":"Thanks. Now in Fahrenheit."}],
                 "tools":[
                  {"type":"function","function":{"name":"get_weather","description":"Get the current weather",
                    "parameters":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"],"additionalProperties":false},
                    "strict":true}},
                  {"type":"function","function":{"name":"get_time","parameters":{"type":"object","properties":{"tz":{"type":"string"}}}}}],
                 "tool_choice":{"type":"function","function":{"name":"get_weather"}},
                 "parallel_tool_calls":false,
                 "max_completion_tokens":1024,
                 "response_format":{"type":"json_schema","json_schema":{"name":"weather","description":"Weather answer",
                   "schema":{"type":"object","properties":{"temp_f":{"type":"number"}},"required":["temp_f"],"additionalProperties":false},
                   "strict":true}},
                 "reasoning_effort":"low","verbosity":"low",
                 "stream":true,"stream_options":{"include_usage":true}}
                """, encoded);
    }

    @Test
    void legacyAndReasoningFixtureSurvivesDecodeThenEncode() throws Exception {
        TransformContext ctx = ctx();
        var encoded = CODEC.encodeRequest(CODEC.decodeRequest(fixture("request_reasoning_legacy.json"), ctx), ctx);
        var messages = encoded.get("messages");
        assertJson("""
                {"role":"assistant","content":"I'll use the calculator.","reasoning_content":"The user wants 17*23.",
                 "reasoning_details":[
                   {"type":"reasoning.text","id":"reasoning_0","index":0,"text":"The user wants 17*23.","signature":"EqQBCkgIBxABGAIiQLTSig==",
                    "format":"anthropic-claude-v1"},
                   {"type":"reasoning.encrypted","id":"reasoning_1","index":1,"data":"EmwKAhgBEgy3vdRedacted==",
                    "format":"anthropic-claude-v1"}],
                 "tool_calls":[{"id":"toolu_01A09q90qw90lq917835lq9","type":"function",
                   "function":{"name":"calculator","arguments":"{\\"expression\\":\\"17*23\\"}"}}]}
                """, messages.get(2));
        assertJson("{\"role\":\"system\",\"content\":\"From now on answer in French.\"}", messages.get(4));
        // the legacy function call is re-expressed as a modern tool call with the id both sides derive
        assertJson("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_lookup\",\"type\":\"function\","
                + "\"function\":{\"name\":\"lookup\",\"arguments\":\"{\\\"q\\\":\\\"391\\\"}\"}}]}", messages.get(5));
        assertJson("{\"role\":\"tool\",\"tool_call_id\":\"call_lookup\",\"content\":\"prime factors: 17, 23\"}", messages.get(6));
        assertJson("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":\"I can't help with that.\"}", messages.get(8));
        assertJson("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_c1\",\"type\":\"custom\","
                + "\"custom\":{\"name\":\"code_exec\",\"input\":\"print(17*23)\"}}]}", messages.get(9));
        assertEquals(2048, encoded.get("max_completion_tokens").intValue());
        assertEquals("required", encoded.get("tool_choice").asText());
        assertJson("{}", encoded.get("web_search_options"));
    }
}
