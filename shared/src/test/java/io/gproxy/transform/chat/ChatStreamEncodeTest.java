package io.gproxy.transform.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.protocol.sse.SseFrame;
import io.gproxy.transform.StreamEncoder;
import io.gproxy.transform.TransformContext;
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

import static io.gproxy.transform.chat.ChatTestSupport.CODEC;
import static io.gproxy.transform.chat.ChatTestSupport.assertJson;
import static io.gproxy.transform.chat.ChatTestSupport.ctx;
import static io.gproxy.transform.chat.ChatTestSupport.decodeAll;
import static io.gproxy.transform.chat.ChatTestSupport.frames;
import static io.gproxy.transform.chat.ChatTestSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChatStreamEncodeTest {
    private static final String HEAD = "\"id\":\"msg_01\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"claude-x\"";

    private static String choice(String delta, String finish) {
        return "{" + HEAD + ",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":"
                + (finish == null ? "null" : "\"" + finish + "\"") + "}]}";
    }

    private static String usage(String usage) {
        return "{" + HEAD + ",\"choices\":[],\"usage\":" + usage + "}";
    }

    private static List<SseFrame> encode(StreamEncoder encoder, StreamEvent... events) {
        List<SseFrame> out = new ArrayList<>();
        for (StreamEvent e : events) {
            out.addAll(encoder.encode(e));
        }
        return out;
    }

    private static void assertFrames(List<String> expected, List<SseFrame> actual) {
        assertEquals(expected.size(), actual.size(), () -> "frames: " + actual);
        for (int i = 0; i < expected.size(); i++) {
            assertNull(actual.get(i).event(), "Chat frames carry data only");
            if (expected.get(i).equals("[DONE]")) {
                assertEquals("[DONE]", actual.get(i).data());
            } else {
                assertJson(expected.get(i), json(actual.get(i).data()));
            }
        }
    }

    @Test
    void textWithUsageMergedAtTheEnd() {
        StreamEncoder encoder = CODEC.newStreamEncoder(ctx());
        List<SseFrame> frames = encode(encoder,
                new Start("msg_01", "claude-x", new Usage(25L, 1L, null, null, null, null)),
                new BlockStart(0, BlockType.TEXT, null, null),
                new TextDelta(0, "Hel"), new TextDelta(0, ""), new TextDelta(0, "lo"),
                new BlockStop(0),
                new Finish(FinishReason.STOP),
                new UsageUpdate(new Usage(null, 7L, null, null, null, null)),
                new End());
        assertFrames(List.of(
                choice("{\"role\":\"assistant\",\"content\":\"\"}", null),
                choice("{\"content\":\"Hel\"}", null),
                choice("{\"content\":\"lo\"}", null),
                choice("{}", "stop"),
                usage("{\"prompt_tokens\":25,\"completion_tokens\":7,\"total_tokens\":32}"),
                "[DONE]"), frames);
        assertEquals(List.of(), encoder.finish());
        assertEquals(List.of(), encoder.encode(new TextDelta(0, "late")));
    }

    /** Tool indexes are Chat's own (0, 1) although the IR blocks are 2 and 3 after reasoning and text. */
    @Test
    void reasoningTextAndTwoToolCalls() {
        StreamEncoder encoder = CODEC.newStreamEncoder(ctx());
        List<SseFrame> frames = encode(encoder,
                new Start("msg_01", "claude-x", Usage.EMPTY),
                new BlockStart(0, BlockType.REASONING, null, null),
                new ReasoningDelta(0, "Think"), new ReasoningSignature(0, "sig==", null), new BlockStop(0),
                new BlockStart(1, BlockType.TEXT, null, null), new TextDelta(1, "Calling."), new BlockStop(1),
                new BlockStart(2, BlockType.TOOL_CALL, "toolu_a", "get_weather"),
                new ToolArgumentsDelta(2, "{\"city\":"), new ToolArgumentsDelta(2, "\"Paris\"}"), new BlockStop(2),
                new BlockStart(3, BlockType.TOOL_CALL, "toolu_b", "get_time"),
                new ToolArgumentsDelta(3, "{}"), new BlockStop(3),
                new Finish(FinishReason.TOOL_CALLS),
                new UsageUpdate(new Usage(100L, 40L, 80L, null, null, 12L)),
                new End());
        assertFrames(List.of(
                choice("{\"role\":\"assistant\",\"content\":\"\"}", null),
                choice("{\"reasoning_content\":\"Think\",\"reasoning_details\":[{\"type\":\"reasoning.text\",\"text\":\"Think\",\"index\":0}]}", null),
                choice("{\"reasoning_details\":[{\"type\":\"reasoning.text\",\"signature\":\"sig==\",\"index\":0}]}", null),
                choice("{\"content\":\"Calling.\"}", null),
                choice("{\"tool_calls\":[{\"index\":0,\"id\":\"toolu_a\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}", null),
                choice("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\"}}]}", null),
                choice("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]}", null),
                choice("{\"tool_calls\":[{\"index\":1,\"id\":\"toolu_b\",\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"arguments\":\"\"}}]}", null),
                choice("{\"tool_calls\":[{\"index\":1,\"function\":{\"arguments\":\"{}\"}}]}", null),
                choice("{}", "tool_calls"),
                usage("{\"prompt_tokens\":100,\"completion_tokens\":40,\"total_tokens\":140,"
                        + "\"prompt_tokens_details\":{\"cached_tokens\":80},\"completion_tokens_details\":{\"reasoning_tokens\":12}}"),
                "[DONE]"), frames);
    }

    @Test
    void refusalEncryptedReasoningAndLengthWithoutUsage() {
        StreamEncoder encoder = CODEC.newStreamEncoder(ctx());
        List<SseFrame> frames = encode(encoder,
                new Start("msg_01", "claude-x", Usage.EMPTY),
                new BlockStart(0, BlockType.REASONING, null, null), new ReasoningSignature(0, null, "redacted"), new BlockStop(0),
                new BlockStart(1, BlockType.REFUSAL, null, null), new TextDelta(1, "Sorry."), new BlockStop(1),
                new Finish(FinishReason.LENGTH), new End());
        assertFrames(List.of(
                choice("{\"role\":\"assistant\",\"content\":\"\"}", null),
                choice("{\"reasoning_details\":[{\"type\":\"reasoning.encrypted\",\"data\":\"redacted\",\"index\":0}]}", null),
                choice("{\"refusal\":\"Sorry.\"}", null),
                choice("{}", "length"),
                "[DONE]"), frames);
    }

    @Test
    void midStreamErrorIsOneErrorFrameThenDone() {
        StreamEncoder encoder = CODEC.newStreamEncoder(ctx());
        List<SseFrame> frames = encode(encoder,
                new Start("msg_01", "claude-x", Usage.EMPTY),
                new BlockStart(0, BlockType.TEXT, null, null), new TextDelta(0, "Part"),
                new StreamEvent.Error("overloaded_error", "Overloaded"));
        assertFrames(List.of(
                choice("{\"role\":\"assistant\",\"content\":\"\"}", null),
                choice("{\"content\":\"Part\"}", null),
                "{\"error\":{\"type\":\"upstream_error\",\"message\":\"upstream request failed\"}}",
                "[DONE]"), frames);
        assertEquals(List.of(), encoder.finish());
        assertEquals(List.of(), encoder.encode(new End()));
    }

    @Test
    void streamThatStopsWithoutEndOrErrorGetsTheErrorFrameAtFinish() {
        StreamEncoder encoder = CODEC.newStreamEncoder(ctx());
        encode(encoder, new Start("msg_01", "claude-x", Usage.EMPTY), new BlockStart(0, BlockType.TEXT, null, null),
                new TextDelta(0, "x"));
        assertFrames(List.of("{\"error\":{\"type\":\"upstream_error\",\"message\":\"upstream request failed\"}}", "[DONE]"),
                encoder.finish());
        assertEquals(List.of(), encoder.finish());
    }

    @Test
    void endWithoutFinishInfersTheReasonAndEveryChunkSharesIdentity() {
        StreamEncoder encoder = CODEC.newStreamEncoder(ctx());
        List<SseFrame> frames = encode(encoder,
                new Start("msg_01", "claude-x", Usage.EMPTY),
                new BlockStart(0, BlockType.TOOL_CALL, "t", "f"), new BlockStop(0),
                new End());
        JsonNode last = json(frames.get(frames.size() - 2).data());
        assertEquals("tool_calls", last.get("choices").get(0).get("finish_reason").asText());
        for (SseFrame f : frames.subList(0, frames.size() - 1)) {
            JsonNode chunk = json(f.data());
            assertEquals("msg_01", chunk.get("id").asText());
            assertEquals("chat.completion.chunk", chunk.get("object").asText());
            assertEquals(1700000000L, chunk.get("created").longValue());
            assertEquals("claude-x", chunk.get("model").asText());
        }
        assertEquals("[DONE]", frames.get(frames.size() - 1).data());
    }

    /** A native stream decoded and re-encoded gives the client the same deltas, finish reason and usage. */
    @Test
    void nativeStreamSurvivesDecodeThenEncode() throws Exception {
        for (String name : List.of("stream_text.sse", "stream_text_tool_calls.sse", "stream_length.sse",
                "stream_reasoning_deepseek.sse")) {
            List<SseFrame> original = frames(name);
            TransformContext ctx = ctx();
            StreamEncoder encoder = CODEC.newStreamEncoder(ctx);
            List<SseFrame> reencoded = new ArrayList<>();
            for (StreamEvent e : decodeAll(original, ctx)) {
                reencoded.addAll(encoder.encode(e));
            }
            reencoded.addAll(encoder.finish());
            assertEquals(essentials(original), essentials(reencoded), name);
        }
    }

    /** Per chunk: the non-null, non-empty delta fields (reasoning_details dropped) and finish reason; usage counters. */
    private static List<String> essentials(List<SseFrame> frames) {
        List<String> out = new ArrayList<>();
        for (SseFrame f : frames) {
            if (f.data().equals("[DONE]")) {
                out.add("[DONE]");
                continue;
            }
            JsonNode chunk = json(f.data());
            for (JsonNode c : chunk.path("choices")) {
                ObjectNode delta = ChatNodes.object();
                c.get("delta").fields().forEachRemaining(e -> {
                    boolean empty = e.getValue().isNull() || (e.getValue().isTextual() && e.getValue().asText().isEmpty()
                            && !e.getKey().equals("arguments"));
                    if (!empty && !e.getKey().equals("reasoning_details")) {
                        delta.set(e.getKey(), e.getValue());
                    }
                });
                String finish = c.path("finish_reason").isNull() ? "" : " finish=" + c.get("finish_reason").asText();
                if (!delta.isEmpty() || !finish.isEmpty()) {
                    out.add(delta + finish);
                }
            }
            JsonNode usage = chunk.get("usage");
            if (usage != null && usage.isObject()) {
                out.add("usage " + usage.get("prompt_tokens") + "/" + usage.get("completion_tokens") + "/"
                        + usage.path("prompt_tokens_details").path("cached_tokens") + "/"
                        + usage.path("completion_tokens_details").path("reasoning_tokens"));
            }
        }
        assertTrue(out.contains("[DONE]"));
        return out;
    }
}
