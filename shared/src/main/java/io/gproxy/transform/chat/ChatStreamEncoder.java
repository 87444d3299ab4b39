package io.gproxy.transform.chat;

import com.fasterxml.jackson.databind.node.ArrayNode;
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
import java.util.UUID;

/**
 * IR events to a Chat client's {@code chat.completion.chunk} stream: the role chunk first (lazily, with the first
 * frame that needs it), content, reasoning and tool-call deltas, one finish chunk, a usage chunk with
 * {@code choices: []} at the end (usage may grow after the finish), then {@code data: [DONE]} exactly once.
 * Tool-call {@code index} is Chat's own position of the call in this message, never the IR block index.
 */
final class ChatStreamEncoder implements StreamEncoder {
    private static final String DONE = "[DONE]";

    private final TransformContext ctx;
    private final long created;
    private String id;
    private String model;
    private boolean started;
    private boolean finishSent;
    private boolean terminated;
    private boolean sawToolCall;
    private Usage usage = Usage.EMPTY;
    private int toolCount;
    private int reasoningCount;
    private final Map<Integer, Block> blocks = new HashMap<>();

    /** What an IR block index is on the Chat side: its kind and Chat's tool or reasoning-detail index. */
    private record Block(BlockType type, int chatIndex, boolean custom) {
        Block(BlockType type, int chatIndex) {
            this(type, chatIndex, false);
        }
    }

    ChatStreamEncoder(TransformContext ctx) {
        this.ctx = ctx;
        this.created = ctx.nowEpochSeconds();
    }

    @Override
    public List<SseFrame> encode(StreamEvent event) {
        if (terminated) {
            return List.of();
        }
        List<SseFrame> out = new ArrayList<>();
        switch (event) {
            case StreamEvent.Start s -> {
                id = s.id();
                model = s.model();
                usage = usage.merge(s.usage());
            }
            case StreamEvent.BlockStart b -> onBlockStart(b, out);
            case StreamEvent.TextDelta t -> {
                if (!t.text().isEmpty()) {
                    Block block = blocks.get(t.index());
                    String field = block != null && block.type() == BlockType.REFUSAL ? "refusal" : "content";
                    emitDelta(ChatNodes.object().put(field, t.text()), out);
                }
            }
            case StreamEvent.ReasoningDelta r -> {
                if (!r.text().isEmpty()) {
                    ObjectNode delta = ChatNodes.object().put("reasoning_content", r.text());
                    ObjectNode detail = r.summary()
                            ? ChatNodes.object().put("type", ChatReasoningDetails.SUMMARY).put("summary", r.text())
                            : ChatNodes.object().put("type", ChatReasoningDetails.TEXT).put("text", r.text());
                    delta.putArray("reasoning_details").add(detail.put("index", reasoningIndex(r.index())));
                    emitDelta(delta, out);
                }
            }
            case StreamEvent.ReasoningSignature sig -> onSignature(sig, out);
            case StreamEvent.ToolArgumentsDelta a -> {
                Block block = blocks.get(a.index());
                if (block != null && block.type() == BlockType.TOOL_CALL && !a.partialJson().isEmpty()) {
                    ObjectNode call = ChatNodes.object().put("index", block.chatIndex());
                    if (block.custom()) {
                        call.putObject("custom").put("input", a.partialJson());
                    } else {
                        call.putObject("function").put("arguments", a.partialJson());
                    }
                    emitToolDelta(call, out);
                }
            }
            case StreamEvent.BlockStop stop -> {
                // Chat has no block boundaries
            }
            case StreamEvent.UsageUpdate u -> usage = usage.merge(u.usage());
            case StreamEvent.Finish f -> emitFinish(f.reason(), out);
            case StreamEvent.Error e -> {
                out.addAll(errorFrames());
                terminated = true;
            }
            case StreamEvent.End end -> {
                emitFinish(null, out);
                if (!usage.isEmpty()) {
                    ObjectNode chunk = chunkBase();
                    chunk.putArray("choices");
                    chunk.set("usage", ChatUsage.encode(usage, ctx));
                    out.add(frame(chunk));
                }
                out.add(SseFrame.data(DONE));
                terminated = true;
            }
        }
        return out;
    }

    @Override
    public List<SseFrame> finish() {
        if (terminated) {
            return List.of();
        }
        terminated = true;
        return errorFrames();
    }

    private void onBlockStart(StreamEvent.BlockStart b, List<SseFrame> out) {
        switch (b.type()) {
            case TOOL_CALL -> {
                int k = toolCount++;
                blocks.put(b.index(), new Block(BlockType.TOOL_CALL, k, b.custom()));
                sawToolCall = true;
                ObjectNode call = ChatNodes.object().put("index", k);
                call.put("id", b.toolCallId() != null ? b.toolCallId() : "call_" + k);
                String name = b.toolName() == null ? "" : b.toolName();
                if (b.custom()) {
                    // the message form of a custom tool call (Chat has no custom shape of its own for deltas)
                    call.put("type", "custom");
                    call.putObject("custom").put("name", name).put("input", "");
                } else {
                    call.put("type", "function");
                    call.putObject("function").put("name", name).put("arguments", "");
                }
                emitToolDelta(call, out);
            }
            case REASONING -> blocks.put(b.index(), new Block(BlockType.REASONING, reasoningCount++));
            case TEXT, REFUSAL -> blocks.put(b.index(), new Block(b.type(), 0));
        }
    }

    private void onSignature(StreamEvent.ReasoningSignature sig, List<SseFrame> out) {
        int index = reasoningIndex(sig.index());
        ArrayNode details = ChatNodes.array();
        if (sig.signature() != null && !sig.signature().isEmpty()) {
            ObjectNode d = details.addObject().put("type", ChatReasoningDetails.TEXT).put("signature", sig.signature());
            ChatNodes.putIfNotNull(d, "format", sig.origin());
            d.put("index", index);
        }
        if (sig.encrypted() != null && !sig.encrypted().isEmpty()) {
            ObjectNode d = details.addObject().put("type", ChatReasoningDetails.ENCRYPTED).put("data", sig.encrypted());
            ChatNodes.putIfNotNull(d, "format", sig.origin());
            d.put("index", index);
        }
        if (!details.isEmpty()) {
            ObjectNode delta = ChatNodes.object();
            delta.set("reasoning_details", details);
            emitDelta(delta, out);
        }
    }

    /** A reasoning event for a block never started still gets its own detail index. */
    private int reasoningIndex(int irIndex) {
        Block block = blocks.get(irIndex);
        if (block == null || block.type() != BlockType.REASONING) {
            block = new Block(BlockType.REASONING, reasoningCount++);
            blocks.put(irIndex, block);
        }
        return block.chatIndex();
    }

    private void emitToolDelta(ObjectNode call, List<SseFrame> out) {
        ObjectNode delta = ChatNodes.object();
        delta.putArray("tool_calls").add(call);
        emitDelta(delta, out);
    }

    private void emitDelta(ObjectNode delta, List<SseFrame> out) {
        ensureStarted(out);
        out.add(frame(choiceChunk(delta, null)));
    }

    private void emitFinish(FinishReason reason, List<SseFrame> out) {
        if (finishSent) {
            return;
        }
        ensureStarted(out);
        finishSent = true;
        out.add(frame(choiceChunk(ChatNodes.object(), ChatFinishReasons.encode(reason, sawToolCall, ctx))));
    }

    private void ensureStarted(List<SseFrame> out) {
        if (started) {
            return;
        }
        started = true;
        if (id == null) {
            id = "chatcmpl-" + UUID.randomUUID();
        }
        out.add(frame(choiceChunk(ChatNodes.object().put("role", "assistant").put("content", ""), null)));
    }

    private ObjectNode choiceChunk(ObjectNode delta, String finishReason) {
        ObjectNode chunk = chunkBase();
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return chunk;
    }

    private ObjectNode chunkBase() {
        ObjectNode chunk = ChatNodes.object();
        chunk.put("id", id);
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", created);
        chunk.put("model", model);
        return chunk;
    }

    /** spec/surface.md §2.5: the Chat mid-stream failure, then the terminator the client waits for. */
    private static List<SseFrame> errorFrames() {
        ObjectNode body = ChatNodes.object();
        body.putObject("error").put("type", "upstream_error").put("message", "upstream request failed");
        return List.of(frame(body), SseFrame.data(DONE));
    }

    private static SseFrame frame(ObjectNode node) {
        return SseFrame.data(ChatNodes.serialize(node));
    }
}
