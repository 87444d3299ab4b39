package io.gproxy.transform.responses;

import static io.gproxy.transform.responses.Fixtures.ctx;
import static io.gproxy.transform.responses.Fixtures.json;
import static io.gproxy.transform.responses.Fixtures.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.TransformException;
import io.gproxy.transform.ir.Content;
import io.gproxy.transform.ir.FinishReason;
import io.gproxy.transform.ir.Generation;
import io.gproxy.transform.ir.IrRequest;
import io.gproxy.transform.ir.IrResponse;
import io.gproxy.transform.ir.Message;
import io.gproxy.transform.ir.Reasoning;
import io.gproxy.transform.ir.ResponseFormat;
import io.gproxy.transform.ir.Role;
import io.gproxy.transform.ir.Tool;
import io.gproxy.transform.ir.ToolChoice;
import io.gproxy.transform.ir.Usage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

/** Real-wire request and response bodies decode to exactly the expected IR. */
class ResponsesDecodeFixturesTest {
    private final ResponsesCodec codec = new ResponsesCodec();

    @Test
    void codexRequest() throws TransformException {
        TransformContext ctx = ctx();
        IrRequest ir = codec.decodeRequest(json("request_codex.json"), ctx);
        ObjectNode shellParams = (ObjectNode) json("request_codex.json").get("tools").get(0).get("parameters");

        assertEquals("gpt-5-codex", ir.model());
        assertEquals(List.of(
                new Content.Text("You are Codex, based on GPT-5. You are running as a coding agent in the Codex CLI on a user's computer."),
                new Content.Text("<permissions instructions>Approval policy: on-request.</permissions instructions>")),
                ir.system());
        assertEquals(List.of(
                new Message(Role.USER, List.of(new Content.Text("<environment_context>\n  <cwd>/home/dev/app</cwd>\n</environment_context>"))),
                new Message(Role.USER, List.of(new Content.Text("List the files, then fix the typo in README.md"),
                        new Content.Image("image/png", "iVBORw0KGgoAAAANSUhEUgAAAAE=", null, null, null))),
                new Message(Role.ASSISTANT, List.of(
                        new Content.Reasoning("**Listing files**\n\nI'll run ls first.", null,
                                "gAAAAABo1aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", true),
                        new Content.ToolCall("call_Qx1fLZ0aV1b2c3d4", "shell",
                                "{\"command\":[\"bash\",\"-lc\",\"ls\"],\"workdir\":\"/home/dev/app\"}", false))),
                new Message(Role.TOOL, List.of(new Content.ToolResult("call_Qx1fLZ0aV1b2c3d4", "shell",
                        List.of(new Content.Text("README.md\nsrc\n")), false))),
                new Message(Role.ASSISTANT, List.of(
                        new Content.Reasoning("", null, "gAAAAABo1aBdSecondBlob", false),
                        new Content.ToolCall("call_P4tchA9", "apply_patch",
                                "*** Begin Patch\n*** Update File: README.md\n@@\n-Helo\n+Hello\n*** End Patch\n", true))),
                new Message(Role.TOOL, List.of(new Content.ToolResult("call_P4tchA9", "apply_patch",
                        List.of(new Content.Text("Success. Updated the following files:\nM README.md\n")), false))),
                new Message(Role.ASSISTANT, List.of(new Content.Text("Fixed the typo in README.md."))),
                new Message(Role.USER, List.of(new Content.Text("Thanks!")))),
                ir.messages());
        assertEquals(List.of(
                new Tool("shell", "Runs a shell command and returns its output.", shellParams, false, Tool.Kind.FUNCTION),
                new Tool("apply_patch", "Use the `apply_patch` tool to edit files.", null, null, Tool.Kind.CUSTOM),
                new Tool("web_search", null, null, null, Tool.Kind.WEB_SEARCH)), ir.tools());
        assertEquals(ToolChoice.AUTO, ir.toolChoice());
        assertEquals(false, ir.parallelToolCalls());
        assertEquals(Generation.NONE, ir.generation());
        assertNull(ir.responseFormat());
        assertEquals(new Reasoning(null, "medium", null, true, "low"), ir.reasoning());
        assertEquals(true, ir.stream());
        assertNull(ir.user());
        assertEquals(Set.of("store", "include", "prompt_cache_key", "tools.format"), ctx.loss().dropped());
    }

    @Test
    void sdkRequestWithStringInputAndStructuredOutput() throws TransformException {
        TransformContext ctx = ctx();
        IrRequest ir = codec.decodeRequest(json("request_sdk.json"), ctx);
        ObjectNode schema = (ObjectNode) json("request_sdk.json").get("text").get("format").get("schema");
        ObjectNode params = (ObjectNode) json("request_sdk.json").get("tools").get(0).get("parameters");

        assertEquals(new IrRequest("gpt-4.1", List.of(new Content.Text("Extract the event as JSON.")),
                List.of(new Message(Role.USER, List.of(new Content.Text("Alice and Bob are going to a science fair on Friday.")))),
                List.of(new Tool("lookup_date", "Resolve a weekday to a date", params, true, Tool.Kind.FUNCTION)),
                ToolChoice.named("lookup_date"), null,
                new Generation(512, 0.2, 0.9, null, null, null, null, null, null),
                new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, "calendar_event", "A calendar event", schema, true),
                null, false, "user-1234"), ir);
        assertEquals(Set.of("metadata", "previous_response_id"), ctx.loss().dropped());
    }

    @Test
    void easyMessagesAndEveryInputPart() throws TransformException {
        TransformContext ctx = ctx();
        IrRequest ir = codec.decodeRequest(json("request_easy_messages.json"), ctx);

        assertEquals(List.of(new Content.Text("You are a helpful assistant.")), ir.system());
        assertEquals(List.of(
                new Message(Role.USER, List.of(new Content.Text("What is in this document?"))),
                new Message(Role.ASSISTANT, List.of(new Content.Text("Please attach it."))),
                new Message(Role.SYSTEM, List.of(new Content.Text("Answer in French."))),
                new Message(Role.USER, List.of(
                        new Content.Document("application/pdf", "JVBERi0xLjQK", null, null, "report.pdf", null),
                        new Content.Image(null, null, null, "file-6F2ksmvXxt4VdoqmHRw6kL", "high"),
                        new Content.Image(null, null, "https://example.com/cat.jpg", null, "low"),
                        new Content.Audio("wav", "UklGRiQAAABXQVZF"),
                        new Content.Text("Here it is."))),
                new Message(Role.ASSISTANT, List.of(new Content.ToolCall("call_vision", "describe", "{}", false))),
                new Message(Role.TOOL, List.of(new Content.ToolResult("call_vision", "describe", List.of(
                        new Content.Text("A cat."),
                        new Content.Image(null, null, "https://example.com/crop.jpg", null, "auto")), false)))),
                ir.messages());
        assertEquals(new Reasoning(null, "minimal", null, true, null), ir.reasoning());
        assertEquals(new ResponseFormat(ResponseFormat.Type.JSON_OBJECT, null, null, null, null), ir.responseFormat());
        assertEquals("hash-42", ir.user());
        assertEquals(false, ir.stream(), "a non-boolean stream flag reads as false");
        assertEquals("gpt-4o-mini", ir.model());
        assertEquals(Set.of("input.item_reference", "reasoning.summary"), ctx.loss().dropped());
    }

    @Test
    void missingModelIsAllowed() throws TransformException {
        IrRequest ir = codec.decodeRequest(parse("{\"input\":\"hi\"}"), ctx());
        assertNull(ir.model());
        assertEquals(List.of(new Message(Role.USER, List.of(new Content.Text("hi")))), ir.messages());
    }

    @Test
    void storedItemReferencesAreNotedNotInvented() throws TransformException {
        TransformContext ctx = ctx();
        IrRequest ir = codec.decodeRequest(parse("{\"input\":[{\"type\":\"reasoning\",\"id\":\"rs_1\",\"summary\":[]},"
                + "{\"type\":\"item_reference\",\"id\":\"msg_1\"},{\"type\":\"web_search_call\",\"id\":\"ws_1\"},"
                + "{\"role\":\"user\",\"content\":\"go on\"}],\"previous_response_id\":\"resp_1\"}"), ctx);
        assertEquals(List.of(new Message(Role.USER, List.of(new Content.Text("go on")))), ir.messages());
        assertEquals(Set.of("input.reasoning", "input.item_reference", "input.web_search_call", "previous_response_id"),
                ctx.loss().dropped());
    }

    @Test
    void undecodableRequestsThrow() {
        assertThrows(TransformException.class, () -> codec.decodeRequest(parse("[]"), ctx()));
        assertThrows(TransformException.class, () -> codec.decodeRequest(parse("{\"input\":42}"), ctx()));
        assertThrows(TransformException.class, () -> codec.decodeRequest(parse("{\"input\":[{\"role\":\"user\",\"content\":7}]}"), ctx()));
        assertThrows(TransformException.class, () -> codec.decodeRequest(parse("{\"input\":\"x\",\"tools\":{}}"), ctx()));
        assertThrows(TransformException.class, () -> codec.decodeRequest(parse("{\"input\":\"x\",\"max_output_tokens\":\"many\"}"), ctx()));
        assertThrows(TransformException.class, () -> codec.decodeRequest(parse("{\"model\":5,\"input\":\"x\"}"), ctx()));
        assertThrows(TransformException.class, () -> codec.decodeRequest(parse("{\"input\":[{\"type\":\"function_call\",\"call_id\":\"c\"}]}"), ctx()));
    }

    @Test
    void tagsOnlyTheDecoderOwnsAreUnwrapped() throws TransformException {
        String wrapped = ReasoningEnvelope.wrap("EqQBCkYIBxgCKkD+sig/==", "redacted-data");
        IrRequest ir = codec.decodeRequest(parse("{\"input\":[{\"type\":\"reasoning\",\"summary\":[{\"type\":\"summary_text\",\"text\":\"t\"}],\"encrypted_content\":\"" + wrapped + "\"}]}"), ctx());
        assertEquals(List.of(new Message(Role.ASSISTANT, List.of(
                new Content.Reasoning("t", "EqQBCkYIBxgCKkD+sig/==", "redacted-data", true)))), ir.messages());
    }

    @Test
    void textResponse() throws TransformException {
        IrResponse r = codec.decodeResponse(json("response_text.json"), ctx());
        assertEquals(new IrResponse("resp_67ccd3a9da748190baa7f1570fe91ac604becb25c45c1d41", "gpt-4o-2024-08-06",
                List.of(new Content.Text("The image depicts a scenic landscape with a wooden boardwalk.")),
                FinishReason.STOP, new Usage(328L, 52L, 128L, 0L, null, 0L), 1741476777L), r);
    }

    @Test
    void reasoningTextAndToolCallResponse() throws TransformException {
        IrResponse r = codec.decodeResponse(json("response_tool_call.json"), ctx());
        assertEquals(new IrResponse("resp_68af4030592c81938ec0a5fbab4a3e9f05438e46b5f69a3b", "gpt-5-2025-08-07",
                List.of(new Content.Reasoning("**Checking the weather**\n\nI need the get_weather tool for Paris.", null,
                                "gAAAAABor0AxLongOpaqueBlob==", true),
                        new Content.Text("Let me check that."),
                        new Content.ToolCall("call_3YkTxpWJk4wv6CDXh1L7ZpFh", "get_weather",
                                "{\"location\":\"Paris, France\",\"unit\":\"celsius\"}", false)),
                FinishReason.TOOL_CALLS, new Usage(75L, 210L, 0L, null, null, 192L), 1756315696L), r);
    }

    @Test
    void maxTokensResponse() throws TransformException {
        IrResponse r = codec.decodeResponse(json("response_incomplete.json"), ctx());
        assertEquals(List.of(new Content.Text("Once upon a time, in a land far")), r.content());
        assertEquals(FinishReason.LENGTH, r.finish());
        assertEquals(new Usage(12L, 16L, 0L, 0L, null, 0L), r.usage());
    }

    @Test
    void statusMapsToFinishReasons() throws TransformException {
        String base = "{\"id\":\"r\",\"model\":\"m\",\"output\":[],";
        assertEquals(FinishReason.CONTENT_FILTER, codec.decodeResponse(parse(base
                + "\"status\":\"incomplete\",\"incomplete_details\":{\"reason\":\"content_filter\"}}"), ctx()).finish());
        assertEquals(FinishReason.ERROR, codec.decodeResponse(parse(base
                + "\"status\":\"failed\",\"error\":{\"code\":\"server_error\",\"message\":\"x\"}}"), ctx()).finish());
        assertEquals(FinishReason.STOP, codec.decodeResponse(parse(base + "\"status\":\"completed\"}"), ctx()).finish());
        assertEquals(List.of(new Content.Refusal("I can't help with that.")), codec.decodeResponse(parse(base.replace("\"output\":[],", "")
                + "\"status\":\"completed\",\"output\":[{\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"refusal\",\"refusal\":\"I can't help with that.\"}]}]}"), ctx()).content());
    }
}
