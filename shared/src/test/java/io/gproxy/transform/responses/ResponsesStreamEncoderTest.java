package io.gproxy.transform.responses;

import static io.gproxy.transform.responses.Fixtures.assertJson;
import static io.gproxy.transform.responses.Fixtures.ctx;
import static io.gproxy.transform.responses.Fixtures.encodeStream;
import static io.gproxy.transform.responses.Fixtures.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gproxy.protocol.sse.SseFrame;
import io.gproxy.transform.StreamEncoder;
import io.gproxy.transform.ir.FinishReason;
import io.gproxy.transform.ir.StreamEvent;
import io.gproxy.transform.ir.StreamEvent.BlockStart;
import io.gproxy.transform.ir.StreamEvent.BlockStop;
import io.gproxy.transform.ir.StreamEvent.BlockType;
import io.gproxy.transform.ir.StreamEvent.End;
import io.gproxy.transform.ir.StreamEvent.Finish;
import io.gproxy.transform.ir.StreamEvent.ReasoningDelta;
import io.gproxy.transform.ir.StreamEvent.ReasoningSignature;
import io.gproxy.transform.ir.StreamEvent.Start;
import io.gproxy.transform.ir.StreamEvent.TextDelta;
import io.gproxy.transform.ir.StreamEvent.ToolArgumentsDelta;
import io.gproxy.transform.ir.StreamEvent.UsageUpdate;
import io.gproxy.transform.ir.Usage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/** The stream encoder emits the Responses event sequence the API sends and openai-java accepts. */
class ResponsesStreamEncoderTest {
    private final ResponsesCodec codec = new ResponsesCodec();

    private List<SseFrame> encode(List<StreamEvent> events) {
        List<SseFrame> frames = encodeStream(codec.newStreamEncoder(ctx()), events);
        assertWellFormed(frames);
        return frames;
    }

    /** Every frame is named after its type and numbered 0, 1, 2...; exactly one terminal event, last. */
    static void assertWellFormed(List<SseFrame> frames) {
        int terminals = 0;
        for (int i = 0; i < frames.size(); i++) {
            JsonNode data = parse(frames.get(i).data());
            assertEquals(frames.get(i).event(), data.get("type").asText());
            assertEquals(i, data.get("sequence_number").asInt(), "sequence_number of frame " + i);
            String type = data.get("type").asText();
            if (type.equals("response.completed") || type.equals("response.incomplete") || type.equals("response.failed")) {
                terminals++;
                assertEquals(frames.size() - 1, i, "the terminal event is last");
            }
        }
        assertEquals(1, terminals, "exactly one terminal event");
    }

    private static List<String> types(List<SseFrame> frames) {
        List<String> types = new ArrayList<>();
        frames.forEach(f -> types.add(f.event()));
        return types;
    }

    private static JsonNode data(SseFrame frame) {
        return parse(frame.data());
    }

    @Test
    void text() {
        List<SseFrame> frames = encode(List.of(
                new Start("resp_abc", "gpt-x", Usage.EMPTY),
                new BlockStart(0, BlockType.TEXT, null, null),
                new TextDelta(0, "Hel"),
                new TextDelta(0, "lo"),
                new BlockStop(0),
                new Finish(FinishReason.STOP),
                new UsageUpdate(new Usage(10L, 2L, 4L, null, null, null)),
                new End()));
        assertEquals(List.of("response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added", "response.output_text.delta", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done",
                "response.completed"), types(frames));

        JsonNode created = data(frames.get(0)).get("response");
        assertEquals("resp_abc", created.get("id").asText());
        assertEquals("gpt-x", created.get("model").asText());
        assertEquals("in_progress", created.get("status").asText());
        assertEquals(Fixtures.NOW, created.get("created_at").asLong());
        assertEquals(0, created.get("output").size());
        assertTrue(created.get("usage").isNull());

        assertJson("""
                {"type":"response.output_item.added","sequence_number":2,"output_index":0,
                 "item":{"id":"msg_abc_0","type":"message","status":"in_progress","content":[],"role":"assistant"}}""",
                data(frames.get(2)));
        assertJson("""
                {"type":"response.content_part.added","sequence_number":3,"item_id":"msg_abc_0","output_index":0,
                 "content_index":0,"part":{"type":"output_text","annotations":[],"logprobs":[],"text":""}}""",
                data(frames.get(3)));
        assertJson("""
                {"type":"response.output_text.delta","sequence_number":4,"item_id":"msg_abc_0","output_index":0,
                 "content_index":0,"delta":"Hel","logprobs":[]}""", data(frames.get(4)));
        assertJson("""
                {"type":"response.output_text.done","sequence_number":6,"item_id":"msg_abc_0","output_index":0,
                 "content_index":0,"text":"Hello","logprobs":[]}""", data(frames.get(6)));
        assertJson("""
                {"type":"response.content_part.done","sequence_number":7,"item_id":"msg_abc_0","output_index":0,
                 "content_index":0,"part":{"type":"output_text","annotations":[],"logprobs":[],"text":"Hello"}}""",
                data(frames.get(7)));
        String item = """
                {"id":"msg_abc_0","type":"message","status":"completed","role":"assistant",
                 "content":[{"type":"output_text","annotations":[],"logprobs":[],"text":"Hello"}]}""";
        assertJson("{\"type\":\"response.output_item.done\",\"sequence_number\":8,\"output_index\":0,\"item\":" + item + "}",
                data(frames.get(8)));

        JsonNode completed = data(frames.get(9)).get("response");
        assertEquals("completed", completed.get("status").asText());
        assertJson("[" + item + "]", completed.get("output"));
        assertJson("""
                {"input_tokens":10,"input_tokens_details":{"cached_tokens":4,"cache_write_tokens":0},
                 "output_tokens":2,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":12}""",
                completed.get("usage"));
    }

    @Test
    void reasoningWithSignatureEmptyTextBlockAndToolCall() {
        List<SseFrame> frames = encode(List.of(
                new Start("msg_01XYZ", "claude-sonnet-4-5", new Usage(50L, null, null, null, null, null)),
                new BlockStart(0, BlockType.REASONING, null, null),
                new ReasoningDelta(0, "Need "),
                new ReasoningDelta(0, "weather."),
                new ReasoningSignature(0, "EqQBCkYIBxgC", null),
                new BlockStop(0),
                new BlockStart(1, BlockType.TEXT, null, null),
                new BlockStop(1),
                new BlockStart(2, BlockType.TOOL_CALL, "toolu_01", "get_weather"),
                new ToolArgumentsDelta(2, "{\"city\":"),
                new ToolArgumentsDelta(2, "\"Paris\"}"),
                new BlockStop(2),
                new Finish(FinishReason.TOOL_CALLS),
                new UsageUpdate(new Usage(null, 30L, null, null, null, null)),
                new End()));
        assertEquals(List.of("response.created", "response.in_progress",
                "response.output_item.added", "response.reasoning_summary_part.added",
                "response.reasoning_summary_text.delta", "response.reasoning_summary_text.delta",
                "response.reasoning_summary_text.done", "response.reasoning_summary_part.done",
                "response.output_item.done",
                "response.output_item.added", "response.function_call_arguments.delta",
                "response.function_call_arguments.delta", "response.function_call_arguments.done",
                "response.output_item.done", "response.completed"), types(frames));
        assertJson("""
                {"type":"response.output_item.added","sequence_number":2,"output_index":0,
                 "item":{"id":"rs_msg_01XYZ_0","type":"reasoning","summary":[]}}""", data(frames.get(2)));
        assertJson("""
                {"type":"response.reasoning_summary_part.added","sequence_number":3,"item_id":"rs_msg_01XYZ_0",
                 "output_index":0,"summary_index":0,"part":{"type":"summary_text","text":""}}""", data(frames.get(3)));
        assertJson("""
                {"type":"response.reasoning_summary_text.delta","sequence_number":4,"item_id":"rs_msg_01XYZ_0",
                 "output_index":0,"summary_index":0,"delta":"Need "}""", data(frames.get(4)));
        assertJson("""
                {"type":"response.reasoning_summary_text.done","sequence_number":6,"item_id":"rs_msg_01XYZ_0",
                 "output_index":0,"summary_index":0,"text":"Need weather."}""", data(frames.get(6)));
        String reasoningItem = """
                {"id":"rs_msg_01XYZ_0","type":"reasoning","summary":[{"type":"summary_text","text":"Need weather."}],
                 "encrypted_content":"%s"}""".formatted(ReasoningEnvelope.wrap("EqQBCkYIBxgC", null));
        assertJson("{\"type\":\"response.output_item.done\",\"sequence_number\":8,\"output_index\":0,\"item\":"
                + reasoningItem + "}", data(frames.get(8)));
        assertJson("""
                {"type":"response.output_item.added","sequence_number":9,"output_index":1,
                 "item":{"id":"fc_msg_01XYZ_1","type":"function_call","status":"in_progress","arguments":"",
                         "call_id":"toolu_01","name":"get_weather"}}""", data(frames.get(9)));
        assertJson("""
                {"type":"response.function_call_arguments.delta","sequence_number":10,"item_id":"fc_msg_01XYZ_1",
                 "output_index":1,"delta":"{\\"city\\":"}""", data(frames.get(10)));
        assertJson("""
                {"type":"response.function_call_arguments.done","sequence_number":12,"item_id":"fc_msg_01XYZ_1",
                 "output_index":1,"arguments":"{\\"city\\":\\"Paris\\"}","name":"get_weather"}""", data(frames.get(12)));
        String callItem = """
                {"id":"fc_msg_01XYZ_1","type":"function_call","status":"completed","arguments":"{\\"city\\":\\"Paris\\"}",
                 "call_id":"toolu_01","name":"get_weather"}""";
        assertJson("{\"type\":\"response.output_item.done\",\"sequence_number\":13,\"output_index\":1,\"item\":"
                + callItem + "}", data(frames.get(13)));
        JsonNode completed = data(frames.get(14)).get("response");
        assertEquals("msg_01XYZ", completed.get("id").asText());
        assertEquals("completed", completed.get("status").asText());
        assertJson("[" + reasoningItem + "," + callItem + "]", completed.get("output"));
        assertEquals(50, completed.at("/usage/input_tokens").asInt(), "usage from Start merged with the later update");
        assertEquals(30, completed.at("/usage/output_tokens").asInt());
        assertEquals(80, completed.at("/usage/total_tokens").asInt());
    }

    @Test
    void maxTokensEndsIncomplete() {
        List<SseFrame> frames = encode(List.of(new Start("resp_1", "m", Usage.EMPTY),
                new BlockStart(0, BlockType.TEXT, null, null), new TextDelta(0, "Once"), new BlockStop(0),
                new Finish(FinishReason.LENGTH), new End()));
        JsonNode terminal = data(frames.get(frames.size() - 1));
        assertEquals("response.incomplete", terminal.get("type").asText());
        assertEquals("incomplete", terminal.at("/response/status").asText());
        assertEquals("max_output_tokens", terminal.at("/response/incomplete_details/reason").asText());
        assertEquals("Once", terminal.at("/response/output/0/content/0/text").asText());
    }

    @Test
    void refusalEncryptedOnlyReasoningAndArgumentlessCall() {
        List<SseFrame> frames = encode(List.of(new Start("resp_2", "m", Usage.EMPTY),
                new BlockStart(0, BlockType.REASONING, null, null), new ReasoningSignature(0, null, "gAAAAenc"),
                new BlockStop(0),
                new BlockStart(1, BlockType.REFUSAL, null, null), new TextDelta(1, "No."), new BlockStop(1),
                new BlockStart(2, BlockType.TOOL_CALL, "call_9", "now"), new BlockStop(2),
                new Finish(FinishReason.TOOL_CALLS), new End()));
        assertEquals(List.of("response.created", "response.in_progress",
                "response.output_item.added", "response.output_item.done",
                "response.output_item.added", "response.content_part.added", "response.refusal.delta",
                "response.refusal.done", "response.content_part.done", "response.output_item.done",
                "response.output_item.added", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done", "response.completed"),
                types(frames));
        assertJson("""
                {"id":"rs_2_0","type":"reasoning","summary":[],"encrypted_content":"gAAAAenc"}""",
                data(frames.get(3)).get("item"));
        assertJson("""
                {"type":"response.content_part.added","sequence_number":5,"item_id":"msg_2_1","output_index":1,
                 "content_index":0,"part":{"type":"refusal","refusal":""}}""", data(frames.get(5)));
        assertJson("""
                {"type":"response.refusal.done","sequence_number":7,"item_id":"msg_2_1","output_index":1,
                 "content_index":0,"refusal":"No."}""", data(frames.get(7)));
        assertEquals("{}", data(frames.get(11)).get("delta").asText());
        assertEquals("{}", data(frames.get(12)).get("arguments").asText());
    }

    @Test
    void midStreamErrorIsOneFailedFrameAndNothingAfter() {
        StreamEncoder encoder = codec.newStreamEncoder(ctx());
        List<SseFrame> frames = new ArrayList<>();
        for (StreamEvent e : List.of(new Start("resp_3", "m", Usage.EMPTY), new BlockStart(0, BlockType.TEXT, null, null),
                new TextDelta(0, "Part"), new StreamEvent.Error("overloaded_error", "Overloaded"))) {
            frames.addAll(encoder.encode(e));
        }
        assertEquals(List.of(), encoder.encode(new TextDelta(0, "more")));
        assertEquals(List.of(), encoder.finish());
        assertWellFormed(frames);
        SseFrame last = frames.get(frames.size() - 1);
        assertEquals("response.failed", last.event());
        JsonNode response = data(last).get("response");
        assertEquals("failed", response.get("status").asText());
        assertJson("{\"code\":\"server_error\",\"message\":\"upstream request failed\"}", response.get("error"));
        assertEquals("resp_3", response.get("id").asText());
    }

    @Test
    void streamWithoutEndOrErrorGetsTheErrorFrameAtFinish() {
        List<SseFrame> frames = encode(List.of(new Start("resp_4", "m", Usage.EMPTY),
                new BlockStart(0, BlockType.TEXT, null, null), new TextDelta(0, "cut")));
        assertEquals("response.failed", frames.get(frames.size() - 1).event());
        assertEquals("server_error", data(frames.get(frames.size() - 1)).at("/response/error/code").asText());
    }

    @Test
    void errorBeforeAnythingElseIsStillOneFrame() {
        List<SseFrame> frames = encode(List.of(new StreamEvent.Error("incomplete_stream", "x")));
        assertEquals(List.of("response.failed"), types(frames));
    }

    @Test
    void finishAfterEndEmitsNothing() {
        StreamEncoder encoder = codec.newStreamEncoder(ctx());
        encoder.encode(new Start("resp_5", "m", Usage.EMPTY));
        encoder.encode(new Finish(FinishReason.STOP));
        List<SseFrame> end = encoder.encode(new End());
        assertEquals("response.completed", end.get(end.size() - 1).event());
        assertEquals(List.of(), encoder.finish());
        assertEquals(List.of(), encoder.encode(new End()));
    }
}
