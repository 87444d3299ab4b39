package io.gproxy.transform.responses;

import static io.gproxy.transform.responses.Fixtures.ctx;
import static io.gproxy.transform.responses.Fixtures.decodeStream;
import static io.gproxy.transform.responses.Fixtures.frames;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gproxy.protocol.sse.SseFrame;
import io.gproxy.transform.StreamDecoder;
import io.gproxy.transform.TransformException;
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

import java.util.List;

/** Real-wire Responses streams decode to exactly the expected IR event lists. */
class ResponsesStreamDecoderTest {
    private final ResponsesCodec codec = new ResponsesCodec();

    private List<StreamEvent> decode(String fixture) throws TransformException {
        return decodeStream(codec.newStreamDecoder(ctx()), frames(fixture));
    }

    @Test
    void text() throws TransformException {
        assertEquals(List.of(
                new Start("resp_68af3f1a2b3c81938e0a5fbab4a3e9f0", "gpt-4o-mini-2024-07-18", Usage.EMPTY),
                new BlockStart(0, BlockType.TEXT, null, null),
                new TextDelta(0, "Hello"),
                new TextDelta(0, "! How can I"),
                new TextDelta(0, " help you today?"),
                new BlockStop(0),
                new UsageUpdate(new Usage(19L, 9L, 0L, 0L, null, 0L)),
                new Finish(FinishReason.STOP),
                new End()), decode("stream_text.sse"));
    }

    @Test
    void textThenToolCallWithStreamedArguments() throws TransformException {
        assertEquals(List.of(
                new Start("resp_68af4030592c81938ec0a5fbab4a3e9f", "gpt-4.1-2025-04-14", Usage.EMPTY),
                new BlockStart(0, BlockType.TEXT, null, null),
                new TextDelta(0, "Let me check the weather."),
                new BlockStop(0),
                new BlockStart(1, BlockType.TOOL_CALL, "call_3YkTxpWJk4wv6CDXh1L7ZpFh", "get_weather"),
                new ToolArgumentsDelta(1, "{\""),
                new ToolArgumentsDelta(1, "location"),
                new ToolArgumentsDelta(1, "\":\""),
                new ToolArgumentsDelta(1, "Paris"),
                new ToolArgumentsDelta(1, ", France"),
                new ToolArgumentsDelta(1, "\"}"),
                new BlockStop(1),
                new UsageUpdate(new Usage(81L, 35L, 64L, 0L, null, 0L)),
                new Finish(FinishReason.TOOL_CALLS),
                new End()), decode("stream_tool_call.sse"));
    }

    @Test
    void reasoningSummaryPartsEncryptedContentThenText() throws TransformException {
        assertEquals(List.of(
                new Start("resp_68af50aa11", "o4-mini-2025-04-16", Usage.EMPTY),
                new BlockStart(0, BlockType.REASONING, null, null),
                new ReasoningDelta(0, "**Considering the "),
                new ReasoningDelta(0, "question**"),
                new ReasoningDelta(0, "\n\n"),
                new ReasoningDelta(0, "The answer is "),
                new ReasoningDelta(0, "4."),
                new ReasoningSignature(0, null, "gAAAAABor1EncryptedReasoning=="),
                new BlockStop(0),
                new BlockStart(1, BlockType.TEXT, null, null),
                new TextDelta(1, "2 + 2 = "),
                new TextDelta(1, "4."),
                new BlockStop(1),
                new UsageUpdate(new Usage(13L, 150L, 0L, 0L, null, 128L)),
                new Finish(FinishReason.STOP),
                new End()), decode("stream_reasoning.sse"));
    }

    @Test
    void maxTokens() throws TransformException {
        assertEquals(List.of(
                new Start("resp_0b1c2d3e4f", "gpt-4.1-mini", Usage.EMPTY),
                new BlockStart(0, BlockType.TEXT, null, null),
                new TextDelta(0, "Once upon a time,"),
                new TextDelta(0, " in a land far"),
                new BlockStop(0),
                new UsageUpdate(new Usage(12L, 16L, 0L, 0L, null, 0L)),
                new Finish(FinishReason.LENGTH),
                new End()), decode("stream_max_tokens.sse"));
    }

    @Test
    void errorEventEndsTheStream() throws TransformException {
        assertEquals(List.of(
                new Start("resp_err01", "gpt-4o", Usage.EMPTY),
                new BlockStart(0, BlockType.TEXT, null, null),
                new TextDelta(0, "Partial"),
                new StreamEvent.Error("server_error",
                        "The server had an error while processing your request. Sorry about that!")),
                decode("stream_error.sse"));
    }

    @Test
    void failedResponseIsAnErrorAndTrailingDoneIsNoise() throws TransformException {
        assertEquals(List.of(
                new Start("resp_fail01", "gpt-4o", Usage.EMPTY),
                new StreamEvent.Error("rate_limit_exceeded", "Rate limit reached for gpt-4o")),
                decode("stream_failed.sse"));
    }

    @Test
    void streamCutBeforeTerminalIsIncomplete() throws TransformException {
        assertEquals(List.of(
                new Start("resp_cut01", "gpt-4o", Usage.EMPTY),
                new BlockStart(0, BlockType.TEXT, null, null),
                new TextDelta(0, "Hello"),
                new StreamEvent.Error("incomplete_stream", "the upstream stream ended before response.completed")),
                decode("stream_cut.sse"));
    }

    @Test
    void doneEventsAndCompletedItemsStandInForMissingDeltas() throws TransformException {
        // Some Responses-compatible servers send whole items only.
        StreamDecoder d = codec.newStreamDecoder(ctx());
        List<SseFrame> frames = List.of(
                SseFrame.named("response.created", "{\"type\":\"response.created\",\"response\":{\"id\":\"resp_x\",\"model\":\"m\",\"status\":\"in_progress\",\"output\":[]}}"),
                SseFrame.named("response.output_item.added", "{\"type\":\"response.output_item.added\",\"output_index\":0,\"item\":{\"id\":\"rs_1\",\"type\":\"reasoning\",\"summary\":[]}}"),
                SseFrame.named("response.output_item.done", "{\"type\":\"response.output_item.done\",\"output_index\":0,\"item\":{\"id\":\"rs_1\",\"type\":\"reasoning\",\"summary\":[],\"encrypted_content\":\"enc\"}}"),
                SseFrame.named("response.output_text.done", "{\"type\":\"response.output_text.done\",\"item_id\":\"msg_1\",\"output_index\":1,\"content_index\":0,\"text\":\"whole\"}"),
                SseFrame.named("response.output_item.done", "{\"type\":\"response.output_item.done\",\"output_index\":1,\"item\":{\"id\":\"msg_1\",\"type\":\"message\",\"content\":[{\"type\":\"output_text\",\"text\":\"whole\"}]}}"),
                SseFrame.named("response.output_item.done", "{\"type\":\"response.output_item.done\",\"output_index\":2,\"item\":{\"id\":\"ctc_1\",\"type\":\"custom_tool_call\",\"call_id\":\"call_9\",\"name\":\"apply_patch\",\"input\":\"*** Begin Patch\"}}"),
                SseFrame.named("response.completed", "{\"type\":\"response.completed\",\"response\":{\"id\":\"resp_x\",\"model\":\"m\",\"status\":\"completed\",\"output\":[]}}"),
                SseFrame.data("[DONE]"));
        assertEquals(List.of(
                new Start("resp_x", "m", Usage.EMPTY),
                new BlockStart(0, BlockType.REASONING, null, null),
                new ReasoningSignature(0, null, "enc"),
                new BlockStop(0),
                new BlockStart(1, BlockType.TEXT, null, null),
                new TextDelta(1, "whole"),
                new BlockStop(1),
                new BlockStart(2, BlockType.TOOL_CALL, "call_9", "apply_patch"),
                new ToolArgumentsDelta(2, "*** Begin Patch"),
                new BlockStop(2),
                new Finish(FinishReason.TOOL_CALLS),
                new End()), decodeStream(d, frames));
    }

    @Test
    void terminalResponseAloneIsReadFromItsOutput() throws TransformException {
        StreamDecoder d = codec.newStreamDecoder(ctx());
        List<SseFrame> frames = List.of(SseFrame.named("response.completed",
                "{\"type\":\"response.completed\",\"response\":{\"id\":\"resp_y\",\"model\":\"m\",\"status\":\"incomplete\","
                        + "\"incomplete_details\":{\"reason\":\"content_filter\"},\"output\":[{\"type\":\"message\",\"role\":\"assistant\","
                        + "\"content\":[{\"type\":\"refusal\",\"refusal\":\"No.\"}]}],\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}"));
        assertEquals(List.of(
                new Start("resp_y", "m", Usage.EMPTY),
                new BlockStart(0, BlockType.REFUSAL, null, null),
                new TextDelta(0, "No."),
                new BlockStop(0),
                new UsageUpdate(new Usage(3L, 1L, null, null, null, null)),
                new Finish(FinishReason.CONTENT_FILTER),
                new End()), decodeStream(d, frames));
    }

    @Test
    void nothingAfterTheTerminalEvent() throws TransformException {
        StreamDecoder d = codec.newStreamDecoder(ctx());
        List<StreamEvent> events = decodeStream(d, frames("stream_text.sse"));
        assertEquals(new End(), events.get(events.size() - 1));
        assertEquals(List.of(), d.decode(SseFrame.named("response.output_text.delta",
                "{\"type\":\"response.output_text.delta\",\"output_index\":0,\"content_index\":0,\"delta\":\"late\"}")));
        assertEquals(List.of(), d.finish());
    }
}
