package io.gproxy.transform.claude;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.protocol.sse.SseFrame;
import io.gproxy.transform.StreamEncoder;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.ir.FinishReason;
import io.gproxy.transform.ir.StreamEvent;
import io.gproxy.transform.ir.StreamEvent.BlockType;
import io.gproxy.transform.ir.Usage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * IR events to a Messages SSE stream, keeping the invariants Claude clients rely on (spec/surface.md §5.2, §5.3
 * "Recommended"): {@code message_start} first, emitted lazily so usage reported before the first block is in it;
 * Claude block indexes allocated here from 0; a text or thinking block opened only when it has content (no empty
 * text block), a tool_use block opened at once with its id and name and {@code input: {}}; the open block closed
 * before another opens; exactly one {@code message_delta} with the merged usage and one {@code message_stop}, held
 * until End because usage may arrive after Finish. Every frame is named, since the Anthropic SDKs ignore unnamed
 * frames.
 */
final class ClaudeStreamEncoder implements StreamEncoder {

    private static final String ERROR_DATA =
            "{\"type\":\"error\",\"error\":{\"type\":\"upstream_error\",\"message\":\"upstream request failed\"}}";

    private final TransformContext ctx;
    private final ClaudeToolIds ids = new ClaudeToolIds();
    private boolean startSeen;
    private boolean messageStarted;
    private boolean done;
    private String id;
    private String model;
    private Usage usage = Usage.EMPTY;
    private FinishReason finish;
    private boolean calledTools;
    private int nextIndex;
    private final Map<Integer, IrBlock> irBlocks = new HashMap<>();
    private Open open;

    /** An IR block; one IR reasoning block may become a thinking and a redacted_thinking block. */
    private static final class IrBlock {
        final BlockType type;
        final String toolId;
        final String toolName;

        IrBlock(BlockType type, String toolId, String toolName) {
            this.type = type;
            this.toolId = toolId;
            this.toolName = toolName;
        }
    }

    /** The Claude block currently open. */
    private record Open(IrBlock block, String wire, int index) {}

    ClaudeStreamEncoder(TransformContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public List<SseFrame> encode(StreamEvent event) {
        List<SseFrame> out = new ArrayList<>();
        if (done) {
            return out;
        }
        switch (event) {
            case StreamEvent.Start s -> {
                if (!startSeen) {
                    startSeen = true;
                    id = s.id();
                    model = s.model();
                    usage = usage.merge(s.usage());
                }
            }
            case StreamEvent.UsageUpdate u -> usage = usage.merge(u.usage());
            case StreamEvent.BlockStart b -> {
                IrBlock block = new IrBlock(b.type(), b.toolCallId(), b.toolName());
                irBlocks.put(b.index(), block);
                if (b.type() == BlockType.TOOL_CALL) {
                    ensureOpen(block, "tool_use", out);
                    calledTools = true;
                }
            }
            case StreamEvent.TextDelta t -> {
                IrBlock block = block(t.index(), BlockType.TEXT);
                if ((block.type == BlockType.TEXT || block.type == BlockType.REFUSAL) && nonEmpty(t.text())) {
                    ensureOpen(block, "text", out);
                    ObjectNode delta = ClaudeJson.object();
                    delta.put("type", "text_delta");
                    delta.put("text", t.text());
                    out.add(blockDelta(delta));
                }
            }
            case StreamEvent.ReasoningDelta r -> {
                IrBlock block = block(r.index(), BlockType.REASONING);
                if (block.type == BlockType.REASONING && nonEmpty(r.text())) {
                    ensureOpen(block, "thinking", out);
                    ObjectNode delta = ClaudeJson.object();
                    delta.put("type", "thinking_delta");
                    delta.put("thinking", r.text());
                    out.add(blockDelta(delta));
                }
            }
            case StreamEvent.ReasoningSignature r -> signature(r, out);
            case StreamEvent.ToolArgumentsDelta a -> {
                IrBlock block = irBlocks.get(a.index());
                if (block != null && open != null && open.block == block && open.wire.equals("tool_use")
                        && nonEmpty(a.partialJson())) {
                    ObjectNode delta = ClaudeJson.object();
                    delta.put("type", "input_json_delta");
                    delta.put("partial_json", a.partialJson());
                    out.add(blockDelta(delta));
                }
            }
            case StreamEvent.BlockStop b -> {
                if (open != null && open.block == irBlocks.get(b.index())) {
                    close(out);
                }
            }
            case StreamEvent.Finish f -> {
                finish = f.reason();
                close(out);
            }
            case StreamEvent.End e -> {
                ensureMessageStart(out);
                close(out);
                ObjectNode delta = ClaudeJson.object();
                delta.put("type", "message_delta");
                ObjectNode d = delta.putObject("delta");
                d.put("stop_reason", ClaudeStopReason.encode(finish, calledTools));
                d.putNull("stop_sequence");
                delta.set("usage", ClaudeUsage.encodeDelta(usage));
                out.add(frame("message_delta", delta));
                out.add(SseFrame.named("message_stop", "{\"type\":\"message_stop\"}"));
                done = true;
            }
            case StreamEvent.Error e -> {
                out.add(errorFrame());
                done = true;
            }
        }
        return out;
    }

    @Override
    public List<SseFrame> finish() {
        if (done) {
            return List.of();
        }
        done = true;
        return List.of(errorFrame());
    }

    private static SseFrame errorFrame() {
        return SseFrame.named("error", ERROR_DATA);
    }

    private void signature(StreamEvent.ReasoningSignature r, List<SseFrame> out) {
        IrBlock block = block(r.index(), BlockType.REASONING);
        if (block.type != BlockType.REASONING) {
            return;
        }
        if (nonEmpty(r.signature())) {
            ensureOpen(block, "thinking", out);
            ObjectNode delta = ClaudeJson.object();
            delta.put("type", "signature_delta");
            delta.put("signature", r.signature());
            out.add(blockDelta(delta));
        }
        if (nonEmpty(r.encrypted())) {
            // Redacted thinking carries its data in content_block_start and has no deltas.
            close(out);
            ensureMessageStart(out);
            ObjectNode start = ClaudeJson.object();
            start.put("type", "redacted_thinking");
            start.put("data", r.encrypted());
            out.add(blockStart(nextIndex++, start));
            out.add(blockStop(nextIndex - 1));
        }
    }

    /** The IR block for an index; deltas without a BlockStart get a block of the delta's kind. */
    private IrBlock block(int index, BlockType type) {
        return irBlocks.computeIfAbsent(index, i -> new IrBlock(type, null, null));
    }

    private void ensureOpen(IrBlock block, String wire, List<SseFrame> out) {
        if (open != null && open.block == block && open.wire.equals(wire)) {
            return;
        }
        close(out);
        ensureMessageStart(out);
        ObjectNode start = ClaudeJson.object();
        start.put("type", wire);
        switch (wire) {
            case "text" -> start.put("text", "");
            case "thinking" -> {
                start.put("thinking", "");
                start.put("signature", "");
            }
            default -> {
                start.put("id", ids.forCall(block.toolId));
                start.put("name", block.toolName != null ? block.toolName : "");
                start.putObject("input");
            }
        }
        open = new Open(block, wire, nextIndex++);
        out.add(blockStart(open.index, start));
    }

    private void close(List<SseFrame> out) {
        if (open != null) {
            out.add(blockStop(open.index));
            open = null;
        }
    }

    private void ensureMessageStart(List<SseFrame> out) {
        if (messageStarted) {
            return;
        }
        messageStarted = true;
        ObjectNode event = ClaudeJson.object();
        event.put("type", "message_start");
        ObjectNode message = event.putObject("message");
        message.put("id", id != null ? id : ClaudeResponseCodec.syntheticId(ctx));
        message.put("type", "message");
        message.put("role", "assistant");
        message.put("model", model != null ? model : "unknown");
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        message.set("usage", ClaudeUsage.encodeFull(usage));
        out.add(frame("message_start", event));
    }

    private SseFrame blockDelta(ObjectNode delta) {
        ObjectNode event = ClaudeJson.object();
        event.put("type", "content_block_delta");
        event.put("index", open.index);
        event.set("delta", delta);
        return frame("content_block_delta", event);
    }

    private static SseFrame blockStart(int index, ObjectNode block) {
        ObjectNode event = ClaudeJson.object();
        event.put("type", "content_block_start");
        event.put("index", index);
        event.set("content_block", block);
        return frame("content_block_start", event);
    }

    private static SseFrame blockStop(int index) {
        return SseFrame.named("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":" + index + "}");
    }

    private static SseFrame frame(String type, ObjectNode payload) {
        return SseFrame.named(type, ClaudeJson.write(payload));
    }

    private static boolean nonEmpty(String s) {
        return s != null && !s.isEmpty();
    }
}
