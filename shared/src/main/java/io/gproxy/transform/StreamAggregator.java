package io.gproxy.transform;

import io.gproxy.transform.ir.Content;
import io.gproxy.transform.ir.FinishReason;
import io.gproxy.transform.ir.IrResponse;
import io.gproxy.transform.ir.StreamEvent;
import io.gproxy.transform.ir.Usage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Folds an IR event stream into one complete response (spec/surface.md §5.5, "AggregateStream"): used when a
 * non-stream client is served by a stream-only upstream. Blocks are ordered by their IR index; an upstream error
 * or a stream that ended without its terminal event is a failure, not a response.
 */
public final class StreamAggregator {
    private String id;
    private String model;
    private Usage usage = Usage.EMPTY;
    private FinishReason finish;
    private boolean ended;
    private StreamEvent.Error error;
    private final Map<Integer, Block> blocks = new TreeMap<>();

    private static final class Block {
        final StreamEvent.BlockType type;
        final String toolCallId;
        final String toolName;
        final boolean custom;
        final StringBuilder text = new StringBuilder();
        boolean summary;
        String signature;
        String encrypted;
        String origin;

        Block(StreamEvent.BlockStart start) {
            this.type = start.type();
            this.toolCallId = start.toolCallId();
            this.toolName = start.toolName();
            this.custom = start.custom();
        }
    }

    public void accept(StreamEvent e) {
        switch (e) {
            case StreamEvent.Start s -> {
                id = s.id();
                model = s.model();
                usage = usage.merge(s.usage());
            }
            case StreamEvent.BlockStart b -> blocks.put(b.index(), new Block(b));
            case StreamEvent.TextDelta d -> block(d.index()).text.append(d.text());
            case StreamEvent.ReasoningDelta d -> {
                Block b = block(d.index());
                b.text.append(d.text());
                b.summary |= d.summary();
            }
            case StreamEvent.ReasoningSignature s -> {
                Block b = block(s.index());
                b.signature = s.signature() != null ? s.signature() : b.signature;
                b.encrypted = s.encrypted() != null ? s.encrypted() : b.encrypted;
                b.origin = s.origin() != null ? s.origin() : b.origin;
            }
            case StreamEvent.ToolArgumentsDelta d -> block(d.index()).text.append(d.partialJson());
            case StreamEvent.UsageUpdate u -> usage = usage.merge(u.usage());
            case StreamEvent.Finish f -> finish = f.reason();
            case StreamEvent.Error err -> error = err;
            case StreamEvent.End end -> ended = true;
            case StreamEvent.BlockStop stop -> {
            }
        }
    }

    /** The upstream reported an error, or ended without its terminal event. */
    public boolean failed() {
        return error != null || !ended;
    }

    /** The folded response; {@code createdEpochSeconds} stamps it (streams carry no creation time of their own). */
    public IrResponse response(long createdEpochSeconds) {
        List<Content> content = new ArrayList<>();
        for (Block b : blocks.values()) {
            switch (b.type) {
                case TEXT -> {
                    if (!b.text.isEmpty()) {
                        content.add(new Content.Text(b.text.toString()));
                    }
                }
                case REFUSAL -> content.add(new Content.Refusal(b.text.toString()));
                case REASONING -> content.add(new Content.Reasoning(b.text.isEmpty() ? null : b.text.toString(),
                        b.signature, b.encrypted, b.summary, b.origin));
                case TOOL_CALL -> content.add(new Content.ToolCall(b.toolCallId, b.toolName,
                        b.text.isEmpty() ? "{}" : b.text.toString(), b.custom));
            }
        }
        return new IrResponse(id, model, content, finish, usage, createdEpochSeconds);
    }

    private Block block(int index) {
        // a delta without its start (a sloppy upstream): treat it as text, as the reference collector does
        return blocks.computeIfAbsent(index, i -> new Block(new StreamEvent.BlockStart(i, StreamEvent.BlockType.TEXT, null, null, false)));
    }
}
