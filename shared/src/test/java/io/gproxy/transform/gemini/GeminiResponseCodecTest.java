package io.gproxy.transform.gemini;

import static io.gproxy.transform.gemini.GeminiTestSupport.assertJson;
import static io.gproxy.transform.gemini.GeminiTestSupport.ctx;
import static io.gproxy.transform.gemini.GeminiTestSupport.fixture;
import static io.gproxy.transform.gemini.GeminiTestSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.transform.TransformException;
import io.gproxy.transform.ir.OpaqueReasoning;
import io.gproxy.transform.ir.Content;
import io.gproxy.transform.ir.FinishReason;
import io.gproxy.transform.ir.IrResponse;
import io.gproxy.transform.ir.Usage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

class GeminiResponseCodecTest {
    private final GeminiCodec codec = new GeminiCodec();

    @Test
    void textResponse() throws TransformException {
        IrResponse ir = codec.decodeResponse(fixture("response-text.json"), ctx());
        assertEquals(new IrResponse("zRi-aJ3uJ4yR1MkP3bTq-AM", "gemini-2.0-flash", List.of(new Content.Text(
                "The sky looks blue because air molecules scatter short blue wavelengths of sunlight more than red ones.")),
                FinishReason.STOP, new Usage(14L, 21L, null, null, null, null), 0), ir);
    }

    @Test
    void thinkingThenToolCallsIsToolCallsWithReasoningInOutput() throws TransformException {
        IrResponse ir = codec.decodeResponse(fixture("response-thinking-tool-call.json"), ctx());
        assertEquals(List.of(
                new Content.Reasoning("**Checking the forecast**\n\nThe user wants the weather in Paris, so I'll call get_weather.",
                        null, null, false),
                new Content.Reasoning(null, "CiQB0e2Kb7Vx1kqYbB5nq1m3c3lGxk0sN0Y2aQ==", null, false, OpaqueReasoning.GOOGLE),
                new Content.ToolCall("call_0", "get_weather", "{\"city\":\"Paris\",\"unit\":\"celsius\"}", false),
                new Content.ToolCall("call_1", "get_time", "{\"timezone\":\"Europe/Paris\"}", false)), ir.content());
        assertEquals(FinishReason.TOOL_CALLS, ir.finish());
        // output = candidates + thoughts; cached tokens are part of the prompt count already
        assertEquals(new Usage(84L, 122L, 64L, null, null, 88L), ir.usage());
        assertEquals("bN6-aKLSKeCj1MkPr5WPoQg", ir.id());
        assertEquals("gemini-2.5-flash", ir.model());
    }

    @Test
    void maxTokensBlockedAndCreateTime() throws TransformException {
        assertEquals(FinishReason.LENGTH, codec.decodeResponse(fixture("response-max-tokens.json"), ctx()).finish());
        IrResponse blocked = codec.decodeResponse(fixture("response-blocked.json"), ctx());
        assertEquals(new IrResponse("ZlC_aIy6OcWm1MkPzN2OsQM", "gemini-2.5-pro", List.of(), FinishReason.CONTENT_FILTER,
                new Usage(12L, null, null, null, null, null), 0), blocked);
        IrResponse g3 = codec.decodeResponse(fixture("response-gemini3-text.json"), ctx());
        assertEquals(List.of(new Content.Reasoning(null, "EjQKMgFyyNp8k1vR2e8H0jX9s1c2Y3RhdGVfb2ZfbWluZA==", null, false,
                        OpaqueReasoning.GOOGLE),
                new Content.Text("Paris is the capital of France.")), g3.content());
        assertEquals(1773154485L, g3.createdEpochSeconds());
        assertEquals(new Usage(8L, 119L, null, null, null, 112L), g3.usage());
    }

    @ParameterizedTest
    @CsvSource({"STOP,STOP", "MAX_TOKENS,LENGTH", "SAFETY,CONTENT_FILTER", "RECITATION,CONTENT_FILTER",
            "BLOCKLIST,CONTENT_FILTER", "PROHIBITED_CONTENT,CONTENT_FILTER", "SPII,CONTENT_FILTER",
            "IMAGE_SAFETY,CONTENT_FILTER", "MALFORMED_FUNCTION_CALL,TOOL_CALLS", "UNEXPECTED_TOOL_CALL,TOOL_CALLS",
            "TOO_MANY_TOOL_CALLS,TOOL_CALLS", "OTHER,STOP", "LANGUAGE,STOP"})
    void finishReasons(String gemini, FinishReason ir) throws TransformException {
        JsonNode body = json("{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"x\"}]},"
                + "\"finishReason\":\"" + gemini + "\",\"index\":0}]}");
        assertEquals(ir, codec.decodeResponse(body, ctx()).finish());
    }

    @Test
    void malformedResponses() {
        assertThrows(TransformException.class, () -> codec.decodeResponse(json("[]"), ctx()));
        assertThrows(TransformException.class, () -> codec.decodeResponse(json("{\"candidates\":{}}"), ctx()));
        assertThrows(TransformException.class,
                () -> codec.decodeResponse(json("{\"candidates\":[{\"content\":{\"parts\":{}}}]}"), ctx()));
    }

    @Test
    void encodeThinkingToolCallResponse() {
        IrResponse ir = new IrResponse("resp_1", "gemini-2.5-flash", List.of(
                new Content.Reasoning("Thinking about it.", null, null, false),
                new Content.Text("Let me look that up."),
                new Content.Reasoning(null, "c2ln", null, false),
                new Content.ToolCall("toolu_1", "lookup", "{\"q\":\"weather\"}", false)),
                FinishReason.TOOL_CALLS, new Usage(100L, 50L, 20L, null, null, 30L), 1_700_000_000L);
        ObjectNode body = codec.encodeResponse(ir, ctx());
        assertJson("""
                {"candidates":[{"content":{"role":"model","parts":[
                    {"text":"Thinking about it.","thought":true},
                    {"text":"Let me look that up."},
                    {"functionCall":{"id":"toolu_1","name":"lookup","args":{"q":"weather"}},"thoughtSignature":"c2ln"}]},
                  "finishReason":"STOP","index":0}],
                 "usageMetadata":{"promptTokenCount":100,"candidatesTokenCount":20,"totalTokenCount":150,
                   "cachedContentTokenCount":20,"thoughtsTokenCount":30},
                 "modelVersion":"gemini-2.5-flash","responseId":"resp_1"}""", body);
    }

    @Test
    void encodeLengthAndFilterAndEmptyUsage() {
        ObjectNode length = codec.encodeResponse(new IrResponse(null, null, List.of(new Content.Text("abc")),
                FinishReason.LENGTH, Usage.EMPTY, 0), ctx());
        assertJson("""
                {"candidates":[{"content":{"role":"model","parts":[{"text":"abc"}]},"finishReason":"MAX_TOKENS","index":0}]}""",
                length);
        ObjectNode refused = codec.encodeResponse(new IrResponse("r", "m", List.of(new Content.Refusal("I can't help.")),
                FinishReason.CONTENT_FILTER, new Usage(3L, 4L, null, null, null, null), 0), ctx());
        assertJson("""
                {"candidates":[{"content":{"role":"model","parts":[{"text":"I can't help."}]},"finishReason":"SAFETY","index":0}],
                 "usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":4,"totalTokenCount":7},
                 "modelVersion":"m","responseId":"r"}""", refused);
    }

    @Test
    void nativeResponsesSurviveDecodeThenEncode() throws TransformException {
        for (String name : List.of("response-text.json", "response-thinking-tool-call.json", "response-max-tokens.json",
                "response-gemini3-text.json")) {
            JsonNode original = fixture(name);
            JsonNode again = json(codec.encodeResponse(codec.decodeResponse(original, ctx()), ctx()).toString());
            JsonNode candidate = original.get("candidates").get(0);
            assertEquals(candidate.get("finishReason"), again.get("candidates").get(0).get("finishReason"), name);
            assertEquals(original.get("modelVersion"), again.get("modelVersion"), name);
            assertEquals(original.get("responseId"), again.get("responseId"), name);
            for (String count : List.of("promptTokenCount", "candidatesTokenCount", "totalTokenCount",
                    "cachedContentTokenCount", "thoughtsTokenCount")) {
                assertEquals(original.get("usageMetadata").get(count), again.get("usageMetadata").get(count),
                        name + " " + count);
            }
            JsonNode parts = again.get("candidates").get(0).get("content").get("parts");
            JsonNode originalParts = candidate.get("content").get("parts");
            assertEquals(originalParts.size(), parts.size(), name);
            for (int i = 0; i < parts.size(); i++) {
                ObjectNode expectedPart = (ObjectNode) originalParts.get(i).deepCopy();
                if (expectedPart.has("functionCall")) {
                    ((ObjectNode) expectedPart.get("functionCall")).put("id", "call_" + (i - 1));
                }
                assertJson(expectedPart, parts.get(i));
            }
        }
    }
}
