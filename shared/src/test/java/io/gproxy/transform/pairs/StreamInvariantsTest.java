package io.gproxy.transform.pairs;

import io.gproxy.protocol.sse.SseFrame;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The invariant checker itself catches the stream bugs it exists for. */
class StreamInvariantsTest {

    private static SseFrame chat(String delta, String finish) {
        return SseFrame.data("{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":" + delta
                + ",\"finish_reason\":" + (finish == null ? "null" : "\"" + finish + "\"") + "}]}");
    }

    private static SseFrame claude(String json) {
        String type = json.replaceAll(".*?\"type\":\"([a-z_]+)\".*", "$1");
        return SseFrame.named(type, json);
    }

    @Test
    void chatToolIndexesAndDone() {
        SseFrame role = chat("{\"role\":\"assistant\",\"content\":\"\"}", null);
        SseFrame call0 = chat("{\"tool_calls\":[{\"index\":0,\"id\":\"a\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}", null);
        SseFrame call2 = chat("{\"tool_calls\":[{\"index\":2,\"id\":\"b\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}", null);
        SseFrame finish = chat("{}", "tool_calls");
        SseFrame done = SseFrame.data("[DONE]");
        assertDoesNotThrow(() -> StreamInvariants.check("chat", List.of(role, call0, finish, done), "ok"));
        // a tool index copied from the upstream block index (new-api#5229)
        assertThrows(AssertionError.class, () -> StreamInvariants.check("chat", List.of(role, call2, finish, done), "index"));
        assertThrows(AssertionError.class, () -> StreamInvariants.check("chat", List.of(role, call0, finish, done, done), "two [DONE]"));
        assertThrows(AssertionError.class, () -> StreamInvariants.check("chat", List.of(call0, finish, done), "no role"));
    }

    @Test
    void claudeBlocks() {
        SseFrame start = claude("{\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"content\":[],\"usage\":{}}}");
        SseFrame tool = claude("{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"f\",\"input\":{}}}");
        SseFrame args = claude("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{}\"}}");
        SseFrame stop = claude("{\"type\":\"content_block_stop\",\"index\":0}");
        SseFrame delta = claude("{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},\"usage\":{\"output_tokens\":1}}");
        SseFrame end = claude("{\"type\":\"message_stop\"}");
        assertDoesNotThrow(() -> StreamInvariants.check("claude", List.of(start, tool, args, stop, delta, end), "ok"));
        // duplicate content_block_start (new-api#4203)
        assertThrows(AssertionError.class,
                () -> StreamInvariants.check("claude", List.of(start, tool, tool, args, stop, delta, end), "dup"));
        // an unnamed frame: the Anthropic SDKs ignore it
        assertThrows(AssertionError.class, () -> StreamInvariants.check("claude",
                List.of(start, SseFrame.data(tool.data()), args, stop, delta, end), "unnamed"));
        assertThrows(AssertionError.class, () -> StreamInvariants.check("claude", List.of(start, tool, args, stop, end), "no delta"));
    }

    @Test
    void responsesSequence() {
        SseFrame created = SseFrame.named("response.created",
                "{\"type\":\"response.created\",\"sequence_number\":0,\"response\":{\"id\":\"r\"}}");
        SseFrame completed = SseFrame.named("response.completed",
                "{\"type\":\"response.completed\",\"sequence_number\":1,\"response\":{\"id\":\"r\",\"status\":\"completed\",\"output\":[],\"usage\":{}}}");
        SseFrame skipped = SseFrame.named("response.completed",
                "{\"type\":\"response.completed\",\"sequence_number\":2,\"response\":{\"id\":\"r\",\"status\":\"completed\",\"output\":[],\"usage\":{}}}");
        assertDoesNotThrow(() -> StreamInvariants.check("responses", List.of(created, completed), "ok"));
        assertThrows(AssertionError.class, () -> StreamInvariants.check("responses", List.of(created, skipped), "gap"));
        assertThrows(AssertionError.class, () -> StreamInvariants.check("responses", List.of(created), "no terminal"));
    }
}
