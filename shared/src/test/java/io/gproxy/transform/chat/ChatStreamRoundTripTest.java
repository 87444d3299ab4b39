package io.gproxy.transform.chat;

import io.gproxy.protocol.sse.SseDecoder;
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

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.gproxy.transform.chat.ChatTestSupport.CODEC;
import static io.gproxy.transform.chat.ChatTestSupport.ctx;
import static io.gproxy.transform.chat.ChatTestSupport.decodeAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Stream encoder then stream decoder (through real SSE bytes) gives back the IR events, modulo what Chat cannot
 * express: Start carries no usage (it is all reported in the final usage chunk, merged), a signature and encrypted
 * data of one event arrive as two events, finish reasons follow the Chat mapping, and after a failure the client
 * sees only what was already sent plus the error (block ends and held usage are not sent).
 */
class ChatStreamRoundTripTest {
    private static final StreamEvent.Error CLIENT_ERROR = new StreamEvent.Error("upstream_error", "upstream request failed");

    @Test
    void encodedStreamsDecodeToTheSameEvents() throws Exception {
        Random r = new Random(0x5EED);
        for (int i = 0; i < 300; i++) {
            List<StreamEvent> events = genStream(r, i);
            int ending = r.nextInt(10);
            List<StreamEvent> sent;
            List<StreamEvent> expected;
            if (ending < 7) {
                sent = new ArrayList<>(events);
                if (r.nextBoolean()) {
                    sent.add(new UsageUpdate(new Usage(null, (long) r.nextInt(500), null, null, null, (long) r.nextInt(50))));
                }
                sent.add(new End());
                expected = expectedComplete(sent);
            } else {
                int cut = 1 + r.nextInt(events.size());
                sent = new ArrayList<>(events.subList(0, cut));
                if (ending < 9) {
                    sent.add(new StreamEvent.Error("overloaded_error", "Overloaded"));
                }
                expected = expectedFailed(sent);
            }
            TransformContext ctx = ctx();
            StreamEncoder encoder = CODEC.newStreamEncoder(ctx);
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            for (StreamEvent e : sent) {
                for (SseFrame f : encoder.encode(e)) {
                    wire.writeBytes(f.encode());
                }
            }
            for (SseFrame f : encoder.finish()) {
                wire.writeBytes(f.encode());
            }
            SseDecoder sse = new SseDecoder();
            List<SseFrame> frames = new ArrayList<>(sse.feed(wire.toByteArray()));
            frames.addAll(sse.finish());
            int n = i;
            assertEquals(expected, decodeAll(frames, ctx()), () -> "case " + n + "\nsent " + sent + "\nwire\n" + wire);
        }
    }

    private static List<StreamEvent> genStream(Random r, int i) {
        List<StreamEvent> out = new ArrayList<>();
        out.add(new Start("msg_" + i, "model-" + r.nextInt(3),
                r.nextBoolean() ? new Usage((long) r.nextInt(9000), null, r.nextBoolean() ? (long) r.nextInt(100) : null,
                        r.nextInt(4) == 0 ? 7L : null, null, null) : Usage.EMPTY));
        int blocks = r.nextInt(6);
        BlockType prev = null;
        for (int b = 0; b < blocks; b++) {
            BlockType type = BlockType.values()[r.nextInt(4)];
            if (type == prev && (type == BlockType.TEXT || type == BlockType.REFUSAL)) {
                type = BlockType.TOOL_CALL; // adjacent text runs are one run on the wire
            }
            prev = type;
            boolean tool = type == BlockType.TOOL_CALL;
            out.add(new BlockStart(b, type, tool ? "call_" + i + "_" + b : null, tool ? "fn_" + r.nextInt(3) : null));
            switch (type) {
                case TEXT, REFUSAL -> {
                    int n = 1 + r.nextInt(3);
                    for (int d = 0; d < n; d++) {
                        out.add(new TextDelta(b, "w" + r.nextInt(99) + (r.nextBoolean() ? " " : "\n")));
                    }
                }
                case REASONING -> {
                    int variant = r.nextInt(4);
                    int n = variant == 3 ? 0 : 1 + r.nextInt(3);
                    for (int d = 0; d < n; d++) {
                        out.add(new ReasoningDelta(b, "think" + r.nextInt(99) + " "));
                    }
                    switch (variant) {
                        case 0 -> out.add(new ReasoningSignature(b, "sig" + r.nextInt(999), null));
                        case 1 -> out.add(new ReasoningSignature(b, "sig" + r.nextInt(999), "enc" + r.nextInt(999)));
                        case 3 -> out.add(new ReasoningSignature(b, null, "enc" + r.nextInt(999)));
                        default -> {
                            // text only
                        }
                    }
                }
                case TOOL_CALL -> {
                    int n = r.nextInt(4);
                    for (int d = 0; d < n; d++) {
                        out.add(new ToolArgumentsDelta(b, d == 0 ? "{\"k\":" : "\"v" + d + "\""));
                    }
                }
            }
            if (r.nextInt(8) == 0) {
                out.add(new UsageUpdate(new Usage((long) r.nextInt(9000), (long) r.nextInt(50), null, null, null, null)));
            }
            out.add(new BlockStop(b));
        }
        out.add(new Finish(r.nextInt(8) == 0 ? null : FinishReason.values()[r.nextInt(FinishReason.values().length)]));
        return out;
    }

    /** Block events as the decoder re-derives them (no usage; a two-part signature is two events). */
    private static List<StreamEvent> blockEvents(List<StreamEvent> sent) {
        List<StreamEvent> out = new ArrayList<>();
        boolean sawTool = false;
        for (StreamEvent e : sent) {
            switch (e) {
                case ReasoningSignature s when s.signature() != null && s.encrypted() != null -> {
                    out.add(new ReasoningSignature(s.index(), s.signature(), null));
                    out.add(new ReasoningSignature(s.index(), null, s.encrypted()));
                }
                case BlockStart b -> {
                    sawTool |= b.type() == BlockType.TOOL_CALL;
                    out.add(b);
                }
                case Finish f -> out.add(new Finish(chatFinish(f.reason(), sawTool)));
                case Start s -> {
                }
                case UsageUpdate u -> {
                }
                case End end -> {
                }
                case StreamEvent.Error err -> {
                }
                default -> out.add(e);
            }
        }
        return out;
    }

    private static FinishReason chatFinish(FinishReason reason, boolean sawTool) {
        if (reason == FinishReason.LENGTH || reason == FinishReason.CONTENT_FILTER || reason == FinishReason.TOOL_CALLS) {
            return reason;
        }
        return sawTool ? FinishReason.TOOL_CALLS : FinishReason.STOP;
    }

    private static List<StreamEvent> expectedComplete(List<StreamEvent> sent) {
        Start start = (Start) sent.get(0);
        List<StreamEvent> out = new ArrayList<>();
        out.add(new Start(start.id(), start.model(), Usage.EMPTY));
        out.addAll(blockEvents(sent));
        Usage merged = Usage.EMPTY;
        for (StreamEvent e : sent) {
            if (e instanceof Start s) {
                merged = merged.merge(s.usage());
            } else if (e instanceof UsageUpdate u) {
                merged = merged.merge(u.usage());
            }
        }
        if (!merged.isEmpty()) {
            out.add(new UsageUpdate(new Usage(Usage.nz(merged.inputTokens()), Usage.nz(merged.outputTokens()),
                    merged.cacheReadTokens(), null, null, merged.reasoningTokens())));
        }
        out.add(new End());
        return out;
    }

    /**
     * What reached the client before the failure: a block whose start was sent but nothing else was never seen
     * (Chat only shows content), and the last block's end is unknowable.
     */
    private static List<StreamEvent> expectedFailed(List<StreamEvent> sent) {
        List<StreamEvent> body = blockEvents(sent);
        if (!body.isEmpty() && body.get(body.size() - 1) instanceof BlockStart b && b.type() != BlockType.TOOL_CALL) {
            body.remove(body.size() - 1);
        }
        if (!body.isEmpty() && body.get(body.size() - 1) instanceof BlockStop) {
            body.remove(body.size() - 1);
        }
        List<StreamEvent> out = new ArrayList<>();
        if (!body.isEmpty()) {
            Start start = (Start) sent.get(0);
            out.add(new Start(start.id(), start.model(), Usage.EMPTY));
            out.addAll(body);
        }
        out.add(CLIENT_ERROR);
        return out;
    }
}
