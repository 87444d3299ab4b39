package io.gproxy.transform.chat;

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

import static io.gproxy.transform.chat.ChatTestSupport.CODEC;
import static io.gproxy.transform.chat.ChatTestSupport.ctx;
import static io.gproxy.transform.chat.ChatTestSupport.fixture;
import static io.gproxy.transform.chat.ChatTestSupport.json;
import static io.gproxy.transform.chat.ChatTestSupport.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChatRequestDecodeTest {

    @Test
    void plainTextRequestWithSamplingParameters() throws Exception {
        TransformContext ctx = ctx();
        IrRequest ir = CODEC.decodeRequest(fixture("request_text.json"), ctx);
        IrRequest expected = new IrRequest("gpt-4o", List.of(new Content.Text("You are a helpful assistant.")),
                List.of(new Message(Role.USER, List.of(new Content.Text("Hello!")))), List.of(), null, null,
                new Generation(256, 0.7, 1.0, null, List.of("\n\n"), 42L, 0.0, 0.5, 1), null, null, false,
                "user-1234");
        assertEquals(expected, ir);
        assertTrue(ctx.loss().isEmpty(), ctx.loss().headerValue());
    }

    @Test
    void toolsVisionFilesAudioAndStructuredOutput() throws Exception {
        TransformContext ctx = ctx();
        IrRequest ir = CODEC.decodeRequest(fixture("request_tools_vision.json"), ctx);
        IrRequest expected = new IrRequest("gpt-4.1",
                List.of(new Content.Text("You are a weather bot."), new Content.Text("Answer briefly.")),
                List.of(new Message(Role.USER, List.of(
                                new Content.Text("What is in this image, and what's the weather there?"),
                                new Content.Image(null, null,
                                        "https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg",
                                        null, "high"),
                                new Content.Image("image/png",
                                        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
                                        null, null, null),
                                new Content.Document("application/pdf", "JVBERi0xLjQK", null, null, "report.pdf", null),
                                new Content.Document(null, null, null, "file-6F2ksmvXxt4VdoqmHRw6kL", null, null),
                                new Content.Audio("wav", "UklGRiQAAABXQVZF"))),
                        new Message(Role.ASSISTANT, List.of(
                                new Content.ToolCall("call_abc123", "get_weather", "{\"location\":\"Paris, France\"}", false),
                                new Content.ToolCall("call_def456", "get_time", "{\"tz\":\"Europe/Paris\"}", false))),
                        new Message(Role.TOOL, List.of(
                                new Content.ToolResult("call_abc123", "get_weather",
                                        List.of(new Content.Text("{\"temperature\":18,\"unit\":\"celsius\"}")), false),
                                new Content.ToolResult("call_def456", "get_time", List.of(new Content.Text("14:05")), false))),
                        new Message(Role.USER, List.of(new Content.Text("Thanks. Now in Fahrenheit.")))),
                List.of(new Tool("get_weather", "Get the current weather",
                                obj("{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}},"
                                        + "\"required\":[\"location\"],\"additionalProperties\":false}"), true, Tool.Kind.FUNCTION),
                        new Tool("get_time", null, obj("{\"type\":\"object\",\"properties\":{\"tz\":{\"type\":\"string\"}}}"),
                                null, Tool.Kind.FUNCTION)),
                ToolChoice.named("get_weather"), false,
                new Generation(1024, null, null, null, null, null, null, null, null),
                new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, "weather", "Weather answer",
                        obj("{\"type\":\"object\",\"properties\":{\"temp_f\":{\"type\":\"number\"}},"
                                + "\"required\":[\"temp_f\"],\"additionalProperties\":false}"), true),
                new Reasoning(null, "low", null, null, "low"), true, null);
        assertEquals(expected, ir);
        assertEquals(Set.of("logprobs", "metadata"), ctx.loss().dropped());
    }

    @Test
    void reasoningExtensionsLegacyFunctionsLaterDeveloperAndCustomTools() throws Exception {
        TransformContext ctx = ctx();
        IrRequest ir = CODEC.decodeRequest(fixture("request_reasoning_legacy.json"), ctx);
        String toolu = "toolu_01A09q90qw90lq917835lq9";
        List<Message> messages = List.of(
                new Message(Role.USER, List.of(new Content.Text("Compute 17*23 with the calculator."))),
                new Message(Role.ASSISTANT, List.of(
                        new Content.Reasoning("The user wants 17*23.", "EqQBCkgIBxABGAIiQLTSig==", null, false,
                                OpaqueReasoning.ANTHROPIC),
                        new Content.Reasoning(null, null, "EmwKAhgBEgy3vdRedacted==", false, OpaqueReasoning.ANTHROPIC),
                        new Content.Text("I'll use the calculator."),
                        new Content.ToolCall(toolu, "calculator", "{\"expression\":\"17*23\"}", false))),
                new Message(Role.TOOL, List.of(new Content.ToolResult(toolu, "calculator", List.of(new Content.Text("391")), false))),
                new Message(Role.SYSTEM, List.of(new Content.Text("From now on answer in French."))),
                new Message(Role.ASSISTANT, List.of(new Content.ToolCall("call_lookup", "lookup", "{\"q\":\"391\"}", false))),
                new Message(Role.TOOL, List.of(new Content.ToolResult("call_lookup", "lookup",
                        List.of(new Content.Text("prime factors: 17, 23")), false))),
                new Message(Role.ASSISTANT, List.of(new Content.Text("Le résultat est 391."))),
                new Message(Role.ASSISTANT, List.of(new Content.Refusal("I can't help with that."))),
                new Message(Role.ASSISTANT, List.of(new Content.ToolCall("call_c1", "code_exec", "print(17*23)", true))),
                new Message(Role.TOOL, List.of(new Content.ToolResult("call_c1", "code_exec", List.of(new Content.Text("391")), false))),
                new Message(Role.USER, List.of(new Content.Text("Merci"))));
        IrRequest expected = new IrRequest("anthropic/claude-sonnet-4.5", List.of(new Content.Text("Be terse.")), messages,
                List.of(new Tool("calculator", null, obj("{\"type\":\"object\",\"properties\":{\"expression\":{\"type\":\"string\"}}}"),
                                null, Tool.Kind.FUNCTION),
                        new Tool("code_exec", "Runs Python", null, null, Tool.Kind.CUSTOM),
                        new Tool("web_search", null, null, null, Tool.Kind.WEB_SEARCH)),
                ToolChoice.REQUIRED, null, Generation.NONE.withMaxTokens(2048),
                new ResponseFormat(ResponseFormat.Type.JSON_OBJECT, null, null, null, null),
                new Reasoning(null, "high", null, null, null), false, null);
        assertEquals(expected, ir);
        assertEquals(Set.of("tools[].custom.format", "web_search_options.search_context_size"), ctx.loss().dropped());
    }

    @Test
    void conflictingMaxTokensIsATransformError() {
        TransformException e = assertThrows(TransformException.class,
                () -> CODEC.decodeRequest(fixture("request_conflicting_max_tokens.json"), ctx()));
        assertTrue(e.getMessage().contains("max_completion_tokens"));
    }

    @Test
    void malformedEssentialsAreTransformErrors() {
        assertThrows(TransformException.class, () -> CODEC.decodeRequest(json("{\"model\":\"m\",\"messages\":{}}"), ctx()));
        assertThrows(TransformException.class, () -> CODEC.decodeRequest(json("{\"model\":\"m\"}"), ctx()));
        assertThrows(TransformException.class, () -> CODEC.decodeRequest(json("[]"), ctx()));
        assertThrows(TransformException.class,
                () -> CODEC.decodeRequest(json("{\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}"), ctx()));
        assertThrows(TransformException.class,
                () -> CODEC.decodeRequest(json("{\"messages\":[{\"role\":\"user\",\"content\":5}]}"), ctx()));
        assertThrows(TransformException.class,
                () -> CODEC.decodeRequest(json("{\"messages\":[],\"max_tokens\":\"many\"}"), ctx()));
        assertThrows(TransformException.class,
                () -> CODEC.decodeRequest(json("{\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}"), ctx()));
        assertThrows(TransformException.class, () -> CODEC.decodeRequest(json(
                "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"file\",\"file\":\"file-1\"}]}]}"), ctx()));
        assertThrows(TransformException.class, () -> CODEC.decodeRequest(json(
                "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\"}]}]}"), ctx()));
        assertThrows(TransformException.class, () -> CODEC.decodeRequest(json(
                "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{}}]}]}"), ctx()));
    }

    @Test
    void equalMaxTokensAreAccepted() throws Exception {
        IrRequest ir = CODEC.decodeRequest(json(
                "{\"model\":\"m\",\"messages\":[],\"max_tokens\":10,\"max_completion_tokens\":10}"), ctx());
        assertEquals(10, ir.generation().maxTokens());
    }

    @Test
    void effortNoneDisablesReasoningAndExtensionsCarryBudgets() throws Exception {
        assertEquals(new Reasoning(Reasoning.Mode.DISABLED, "none", null, null, null),
                CODEC.decodeRequest(json("{\"messages\":[],\"reasoning_effort\":\"none\"}"), ctx()).reasoning());
        assertEquals(new Reasoning(Reasoning.Mode.ENABLED, null, 2048, null, null),
                CODEC.decodeRequest(json("{\"messages\":[],\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2048}}"),
                        ctx()).reasoning());
        assertEquals(new Reasoning(null, "high", 512, true, null),
                CODEC.decodeRequest(json("{\"messages\":[],\"thinking_config\":{\"includeThoughts\":true,"
                        + "\"thinkingBudget\":512,\"thinkingLevel\":\"HIGH\"}}"), ctx()).reasoning());
        assertNull(CODEC.decodeRequest(json("{\"messages\":[]}"), ctx()).reasoning());
    }

    @Test
    void allowedToolsKeepsItsModeAndNotesTheLoss() throws Exception {
        TransformContext ctx = ctx();
        IrRequest ir = CODEC.decodeRequest(json("{\"messages\":[],\"tool_choice\":{\"type\":\"allowed_tools\","
                + "\"allowed_tools\":{\"mode\":\"required\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"a\"}}]}}}"), ctx);
        assertEquals(ToolChoice.REQUIRED, ir.toolChoice());
        assertEquals(Set.of("tool_choice.allowed_tools"), ctx.loss().dropped());
    }

    @Test
    void toolChoiceForms() throws Exception {
        assertEquals(ToolChoice.NONE, CODEC.decodeRequest(json("{\"messages\":[],\"tool_choice\":\"none\"}"), ctx()).toolChoice());
        assertEquals(ToolChoice.AUTO, CODEC.decodeRequest(json("{\"messages\":[],\"tool_choice\":\"auto\"}"), ctx()).toolChoice());
        assertEquals(ToolChoice.named("x"), CODEC.decodeRequest(json(
                "{\"messages\":[],\"tool_choice\":{\"type\":\"custom\",\"custom\":{\"name\":\"x\"}}}"), ctx()).toolChoice());
        assertEquals(ToolChoice.named("f"), CODEC.decodeRequest(json(
                "{\"messages\":[],\"function_call\":{\"name\":\"f\"}}"), ctx()).toolChoice());
    }

    @Test
    void looseClientShapesAreAccepted() throws Exception {
        TransformContext ctx = ctx();
        IrRequest ir = CODEC.decodeRequest(json("{\"messages\":["
                + "{\"role\":\"user\",\"name\":\"bob\",\"content\":[{\"type\":\"image_url\",\"image_url\":\"https://x/y.png\"},"
                + "{\"type\":\"text\",\"text\":\"\"}]},"
                + "{\"role\":\"assistant\",\"tool_calls\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":{\"a\":1}}}]}],"
                + "\"stream\":\"yes\",\"stop\":[\"END\",\"STOP\"]}"), ctx);
        assertEquals(List.of(
                new Message(Role.USER, List.of(new Content.Image(null, null, "https://x/y.png", null, null))),
                new Message(Role.ASSISTANT, List.of(new Content.ToolCall("call_0", "f", "{\"a\":1}", false)))), ir.messages());
        assertEquals(false, ir.stream());
        assertEquals(List.of("END", "STOP"), ir.generation().stop());
        assertEquals(Set.of("messages[].name"), ctx.loss().dropped());
    }

    @Test
    void reasoningContentFillsASignatureOnlyDetail() throws Exception {
        IrRequest ir = CODEC.decodeRequest(json("{\"messages\":[{\"role\":\"assistant\",\"content\":\"ok\","
                + "\"reasoning_content\":\"thinking\",\"reasoning_details\":[{\"type\":\"reasoning.text\",\"signature\":\"sig\"}]}]}"), ctx());
        assertEquals(List.of(new Content.Reasoning("thinking", "sig", null, false), new Content.Text("ok")),
                ir.messages().get(0).content());
    }

    @Test
    void summaryAndEncryptedDetailsWithOneIdAreOneBlock() throws Exception {
        IrRequest ir = CODEC.decodeRequest(json("{\"messages\":[{\"role\":\"assistant\",\"content\":\"ok\","
                + "\"reasoning_details\":[{\"type\":\"reasoning.summary\",\"summary\":\"Plan\",\"id\":\"rs_1\",\"format\":\"openai-responses-v1\",\"index\":0},"
                + "{\"type\":\"reasoning.encrypted\",\"data\":\"gAAAAB\",\"id\":\"rs_1\",\"format\":\"openai-responses-v1\",\"index\":0}]}]}"), ctx());
        assertEquals(List.of(new Content.Reasoning("Plan", null, "gAAAAB", true, OpaqueReasoning.OPENAI), new Content.Text("ok")),
                ir.messages().get(0).content());
    }
}
