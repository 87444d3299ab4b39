package io.gproxy.transform.claude;

import com.fasterxml.jackson.databind.JsonNode;
import io.gproxy.protocol.sse.SseFrame;
import io.gproxy.transform.StreamDecoder;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.ir.FinishReason;
import io.gproxy.transform.ir.StreamEvent;
import io.gproxy.transform.ir.StreamEvent.BlockType;
import io.gproxy.transform.ir.Usage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Messages SSE stream to IR events. IR block indexes are allocated here, never copied from the upstream's
 * {@code index} (peers send duplicate {@code content_block_start}s, skip stops, or number blocks the client never
 * sees), so the IR order contract of {@link StreamEvent} holds whatever the upstream did. The event type is read
 * from the payload's {@code type}, falling back to the SSE event name.
 */
final class ClaudeStreamDecoder implements StreamDecoder {

    private final TransformContext ctx;

    private boolean started;
    private boolean finished;
    private boolean terminated;
    private int nextIndex;
    /** Upstream index → IR index, for every block opened. */
    private final Map<Long, Integer> blocks = new HashMap<>();
    /** Upstream indexes of blocks the IR cannot hold (server tool use and results). */
    private final Set<Long> ignored = new HashSet<>();
    private int openIndex = -1;
    private long openUpstream;
    private BlockType openType;
    private String openWireType;
    private String openToolId;
    /** The open tool block got its whole input in content_block_start; later fragments would duplicate it. */
    private boolean openInputComplete;
    private Usage usage = Usage.EMPTY;

    ClaudeStreamDecoder(TransformContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public List<StreamEvent> decode(SseFrame frame) {
        List<StreamEvent> out = new ArrayList<>();
        if (terminated) {
            return out;
        }
        JsonNode data = ClaudeJson.parseFrame(frame.data());
        if (data == null) {
            return out; // not a JSON object: nothing a Claude client or the IR can use
        }
        String type = ClaudeJson.lenientString(data, "type");
        if (type == null) {
            type = frame.event();
        }
        if (type == null) {
            return out;
        }
        switch (type) {
            case "message_start" -> messageStart(data.get("message"), out);
            case "content_block_start" -> blockStart(data, out);
            case "content_block_delta" -> blockDelta(data, out);
            case "content_block_stop" -> blockStop(data, out);
            case "message_delta" -> messageDelta(data, out);
            case "message_stop" -> {
                ensureStarted(out);
                closeOpen(out);
                if (!finished) {
                    // The terminal event makes the stream complete even when a peer skipped the stop reason.
                    out.add(new StreamEvent.Finish(FinishReason.STOP));
                    finished = true;
                }
                out.add(new StreamEvent.End());
                terminated = true;
            }
            case "error" -> {
                ensureStarted(out);
                JsonNode error = data.get("error");
                String errorType = ClaudeJson.lenientString(error, "type");
                String message = ClaudeJson.lenientString(error, "message");
                out.add(new StreamEvent.Error(errorType != null ? errorType : "api_error",
                        message != null ? message : "upstream stream error"));
                terminated = true;
            }
            default -> {
                // ping and event types this codec does not know carry nothing for the IR
            }
        }
        return out;
    }

    @Override
    public List<StreamEvent> finish() {
        if (terminated) {
            return List.of();
        }
        terminated = true;
        List<StreamEvent> out = new ArrayList<>();
        ensureStarted(out);
        out.add(new StreamEvent.Error("incomplete_stream", "upstream stream ended before message_stop"));
        return out;
    }

    private void messageStart(JsonNode message, List<StreamEvent> out) {
        if (started) {
            return;
        }
        started = true;
        usage = ClaudeUsage.decode(message == null ? null : message.get("usage"));
        out.add(new StreamEvent.Start(ClaudeJson.lenientString(message, "id"),
                ClaudeJson.lenientString(message, "model"), usage));
    }

    /** A peer that skips message_start (or fails before it) still yields Start first, as the IR order requires. */
    private void ensureStarted(List<StreamEvent> out) {
        if (!started) {
            started = true;
            out.add(new StreamEvent.Start(null, null, Usage.EMPTY));
        }
    }

    private void blockStart(JsonNode data, List<StreamEvent> out) {
        ensureStarted(out);
        if (finished) {
            return; // blocks after the stop reason cannot be placed in the IR order
        }
        long upstream = upstreamIndex(data);
        JsonNode block = data.get("content_block");
        String blockType = ClaudeJson.lenientString(block, "type");
        if (blockType == null || ignored.contains(upstream)) {
            return;
        }
        String toolId = ClaudeJson.lenientString(block, "id");
        if (openIndex >= 0 && upstream == openUpstream && blockType.equals(openWireType)
                && java.util.Objects.equals(toolId, openToolId)) {
            return; // duplicate content_block_start for the block already open
        }
        BlockType irType = switch (blockType) {
            case "text" -> BlockType.TEXT;
            case "thinking", "redacted_thinking" -> BlockType.REASONING;
            case "tool_use" -> BlockType.TOOL_CALL;
            default -> null;
        };
        if (irType == null) {
            ctx.loss().drop(blockType);
            ignored.add(upstream);
            return;
        }
        int index = open(upstream, irType, irType == BlockType.TOOL_CALL ? toolId : null,
                irType == BlockType.TOOL_CALL ? ClaudeJson.lenientString(block, "name") : null, out);
        openWireType = blockType;
        openToolId = toolId;
        switch (blockType) {
            case "text" -> {
                String text = ClaudeJson.lenientString(block, "text");
                if (text != null && !text.isEmpty()) {
                    out.add(new StreamEvent.TextDelta(index, text));
                }
            }
            case "thinking" -> {
                String thinking = ClaudeJson.lenientString(block, "thinking");
                if (thinking != null && !thinking.isEmpty()) {
                    out.add(new StreamEvent.ReasoningDelta(index, thinking));
                }
                String signature = ClaudeJson.lenientString(block, "signature");
                if (signature != null && !signature.isEmpty()) {
                    out.add(new StreamEvent.ReasoningSignature(index, signature, null));
                }
            }
            case "redacted_thinking" -> {
                String redacted = ClaudeJson.lenientString(block, "data");
                if (redacted != null) {
                    out.add(new StreamEvent.ReasoningSignature(index, null, redacted));
                }
            }
            default -> {
                JsonNode input = block.get("input");
                if (input != null && input.isObject() && !input.isEmpty()) {
                    out.add(new StreamEvent.ToolArgumentsDelta(index, ClaudeJson.write(input)));
                    openInputComplete = true;
                }
            }
        }
    }

    private int open(long upstream, BlockType type, String toolId, String toolName, List<StreamEvent> out) {
        closeOpen(out);
        int index = nextIndex++;
        blocks.put(upstream, index);
        openIndex = index;
        openUpstream = upstream;
        openType = type;
        openWireType = type == BlockType.TEXT ? "text" : null;
        openToolId = null;
        openInputComplete = false;
        out.add(new StreamEvent.BlockStart(index, type, toolId, toolName));
        return index;
    }

    private void closeOpen(List<StreamEvent> out) {
        if (openIndex >= 0) {
            out.add(new StreamEvent.BlockStop(openIndex));
            openIndex = -1;
            openType = null;
        }
    }

    private void blockDelta(JsonNode data, List<StreamEvent> out) {
        ensureStarted(out);
        if (finished) {
            return;
        }
        long upstream = upstreamIndex(data);
        if (ignored.contains(upstream)) {
            return;
        }
        JsonNode delta = data.get("delta");
        String deltaType = ClaudeJson.lenientString(delta, "type");
        if (deltaType == null) {
            return;
        }
        Integer index = blocks.get(upstream);
        if (index == null && deltaType.equals("text_delta")) {
            // Text without a content_block_start: open one rather than lose the text.
            index = open(upstream, BlockType.TEXT, null, null, out);
        }
        if (index == null || index != openIndex) {
            return; // a delta for a block already closed cannot follow the IR order
        }
        switch (deltaType) {
            case "text_delta" -> {
                String text = ClaudeJson.lenientString(delta, "text");
                if (openType == BlockType.TEXT && text != null && !text.isEmpty()) {
                    out.add(new StreamEvent.TextDelta(index, text));
                }
            }
            case "thinking_delta" -> {
                String thinking = ClaudeJson.lenientString(delta, "thinking");
                if (openType == BlockType.REASONING && thinking != null && !thinking.isEmpty()) {
                    out.add(new StreamEvent.ReasoningDelta(index, thinking));
                }
            }
            case "signature_delta" -> {
                String signature = ClaudeJson.lenientString(delta, "signature");
                if (openType == BlockType.REASONING && signature != null && !signature.isEmpty()) {
                    out.add(new StreamEvent.ReasoningSignature(index, signature, null));
                }
            }
            case "input_json_delta" -> {
                String partial = ClaudeJson.lenientString(delta, "partial_json");
                if (openType == BlockType.TOOL_CALL && !openInputComplete && partial != null && !partial.isEmpty()) {
                    out.add(new StreamEvent.ToolArgumentsDelta(index, partial));
                }
            }
            case "citations_delta" -> ctx.loss().drop("citations");
            default -> {
                // future delta types
            }
        }
    }

    private void blockStop(JsonNode data, List<StreamEvent> out) {
        Integer index = blocks.get(upstreamIndex(data));
        if (index != null && index == openIndex) {
            closeOpen(out);
        }
    }

    private void messageDelta(JsonNode data, List<StreamEvent> out) {
        ensureStarted(out);
        closeOpen(out);
        JsonNode delta = data.get("delta");
        String stopReason = ClaudeJson.lenientString(delta, "stop_reason");
        if (stopReason != null && !finished) {
            out.add(new StreamEvent.Finish(ClaudeStopReason.decode(stopReason)));
            finished = true;
        }
        JsonNode usageNode = data.get("usage");
        if (usageNode != null && usageNode.isObject()) {
            Usage update = withoutZeroRegressions(ClaudeUsage.decode(usageNode, usage));
            usage = usage.merge(update);
            if (!update.isEmpty()) {
                out.add(new StreamEvent.UsageUpdate(update));
            }
        }
    }

    /**
     * message_delta usage is cumulative, so input and cache counts never fall; some peers send zeros there, which
     * must not wipe the counts message_start reported.
     */
    private Usage withoutZeroRegressions(Usage update) {
        return new Usage(keep(update.inputTokens(), usage.inputTokens()), update.outputTokens(),
                keep(update.cacheReadTokens(), usage.cacheReadTokens()),
                keep(update.cacheCreation5mTokens(), usage.cacheCreation5mTokens()),
                keep(update.cacheCreation1hTokens(), usage.cacheCreation1hTokens()), update.reasoningTokens());
    }

    private static Long keep(Long later, Long earlier) {
        return later != null && later == 0 && earlier != null && earlier > 0 ? null : later;
    }

    /** A missing or odd index still identifies "the block without an index" consistently. */
    private static long upstreamIndex(JsonNode data) {
        JsonNode index = data.get("index");
        return index != null && index.canConvertToLong() ? index.longValue() : -1;
    }
}
