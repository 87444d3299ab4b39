package io.gproxy.transform.gemini;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.protocol.sse.SseFrame;
import io.gproxy.transform.StreamEncoder;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.ir.Content;
import io.gproxy.transform.ir.FinishReason;
import io.gproxy.transform.ir.LossReport;
import io.gproxy.transform.ir.StreamEvent;
import io.gproxy.transform.ir.StreamEvent.BlockType;
import io.gproxy.transform.ir.Usage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * IR events to {@code streamGenerateContent?alt=sse} frames: one complete GenerateContentResponse per frame (the
 * Gemini SDKs fail on partial chunks), no terminator. Text and reasoning deltas are sent as they come; a tool call
 * is buffered until its block stops and sent as one functionCall part (Gemini never streams arguments). The last
 * chunk carries the finish reason and the final merged usage; it is sent at {@link StreamEvent.End} because usage
 * may still arrive after {@link StreamEvent.Finish}. Earlier chunks repeat the usage known so far, as Gemini does.
 *
 * <p>Signatures: a signature in a reasoning block that had text rides on an empty {@code thought:true} part; a
 * signature-only reasoning block's signature goes on the next part sent (the function call it belongs to), or on
 * an empty text part in the last chunk, mirroring {@link GeminiStreamDecoder}.
 */
final class GeminiStreamEncoder implements StreamEncoder {
    private final LossReport loss;
    private final Map<Integer, Block> blocks = new HashMap<>();
    private String id;
    private String model;
    private Usage usage = Usage.EMPTY;
    private FinishReason finish;
    private String pendingSignature;
    private boolean done;

    GeminiStreamEncoder(TransformContext ctx) {
        this.loss = ctx.loss();
    }

    private static final class Block {
        final BlockType type;
        final String toolId;
        final String toolName;
        final StringBuilder arguments = new StringBuilder();
        boolean hadText;
        String signature; // of a reasoning block that has no text yet

        Block(BlockType type, String toolId, String toolName) {
            this.type = type;
            this.toolId = toolId;
            this.toolName = toolName;
        }
    }

    @Override
    public List<SseFrame> encode(StreamEvent event) {
        if (done) {
            return List.of();
        }
        return switch (event) {
            case StreamEvent.Start s -> {
                id = s.id();
                model = s.model();
                usage = usage.merge(s.usage());
                yield List.of();
            }
            case StreamEvent.BlockStart b -> {
                blocks.put(b.index(), new Block(b.type(), b.toolCallId(), b.toolName()));
                yield List.of();
            }
            case StreamEvent.TextDelta t -> text(t.index(), t.text(), false);
            case StreamEvent.ReasoningDelta r -> text(r.index(), r.text(), true);
            case StreamEvent.ReasoningSignature s -> signature(s);
            case StreamEvent.ToolArgumentsDelta a -> {
                Block block = blocks.get(a.index());
                if (block != null && a.partialJson() != null) {
                    block.arguments.append(a.partialJson());
                }
                yield List.of();
            }
            case StreamEvent.BlockStop s -> stop(s.index());
            case StreamEvent.UsageUpdate u -> {
                usage = usage.merge(u.usage());
                yield List.of();
            }
            case StreamEvent.Finish f -> {
                finish = f.reason();
                yield List.of();
            }
            case StreamEvent.End e -> {
                done = true;
                yield List.of(last());
            }
            case StreamEvent.Error e -> {
                done = true;
                yield List.of(SseFrame.data(GeminiMappings.errorFrame()));
            }
        };
    }

    @Override
    public List<SseFrame> finish() {
        if (done) {
            return List.of();
        }
        done = true;
        return List.of(SseFrame.data(GeminiMappings.errorFrame()));
    }

    private List<SseFrame> text(int index, String text, boolean thought) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        Block block = blocks.get(index);
        List<SseFrame> out = new ArrayList<>();
        ObjectNode part = GeminiMappings.NODES.objectNode().put("text", text);
        if (thought) {
            flushPending(out); // it belongs before this thought, on a non-thought part of its own
            part.put("thought", true);
            if (block != null && block.signature != null) {
                part.put("thoughtSignature", block.signature);
                block.signature = null;
            }
        } else {
            takePending(part);
        }
        if (block != null) {
            block.hadText = true;
        }
        out.add(chunk(part));
        return out;
    }

    private List<SseFrame> signature(StreamEvent.ReasoningSignature s) {
        // Gemini's one opaque field (surface.md §4.6); foreign values are wrapped for the client
        String signature = GeminiModelPartEncoder.signatureOf(
                new Content.Reasoning(null, s.signature(), s.encrypted(), false, s.origin()), loss, false);
        if (signature == null) {
            return List.of();
        }
        Block block = blocks.get(s.index());
        if (block != null && !block.hadText) {
            block.signature = signature;
            return List.of();
        }
        List<SseFrame> out = new ArrayList<>();
        flushPending(out);
        ObjectNode part = GeminiMappings.NODES.objectNode().put("text", "").put("thought", true);
        part.put("thoughtSignature", signature);
        out.add(chunk(part));
        return out;
    }

    private List<SseFrame> stop(int index) {
        Block block = blocks.remove(index);
        if (block == null) {
            return List.of();
        }
        if (block.type == BlockType.REASONING && block.signature != null) {
            List<SseFrame> out = new ArrayList<>();
            flushPending(out);
            pendingSignature = block.signature;
            return out;
        }
        if (block.type != BlockType.TOOL_CALL) {
            return List.of();
        }
        ObjectNode part = GeminiMappings.NODES.objectNode();
        GeminiModelPartEncoder.functionCall(part,
                new Content.ToolCall(block.toolId, block.toolName, block.arguments.toString(), false), loss);
        takePending(part);
        return List.of(chunk(part));
    }

    /** A signature still waiting for its part, sent on an empty text part of its own. */
    private void flushPending(List<SseFrame> out) {
        if (pendingSignature != null) {
            out.add(chunk(GeminiMappings.NODES.objectNode().put("text", "").put("thoughtSignature", pendingSignature)));
            pendingSignature = null;
        }
    }

    private void takePending(ObjectNode part) {
        if (pendingSignature != null) {
            part.put("thoughtSignature", pendingSignature);
            pendingSignature = null;
        }
    }

    private SseFrame chunk(ObjectNode part) {
        ObjectNode body = GeminiMappings.NODES.objectNode();
        ObjectNode candidate = body.putArray("candidates").addObject();
        ObjectNode content = candidate.putObject("content");
        content.put("role", "model");
        content.putArray("parts").add(part);
        candidate.put("index", 0);
        // like Gemini, every chunk repeats the usage known so far (the prompt count from the start)
        ObjectNode meta = GeminiMappings.usageToGemini(usage);
        if (meta != null) {
            body.set("usageMetadata", meta);
        }
        return frame(body);
    }

    /** The closing chunk: finish reason and usage; content only when a signature is still owed. */
    private SseFrame last() {
        ObjectNode body = GeminiMappings.NODES.objectNode();
        ArrayNode candidates = body.putArray("candidates");
        ObjectNode candidate = candidates.addObject();
        if (pendingSignature != null) {
            ObjectNode content = candidate.putObject("content");
            content.put("role", "model");
            content.putArray("parts").addObject().put("text", "").put("thoughtSignature", pendingSignature);
            pendingSignature = null;
        }
        candidate.put("finishReason", GeminiMappings.finishToGemini(finish));
        candidate.put("index", 0);
        ObjectNode meta = GeminiMappings.usageToGemini(usage);
        if (meta != null) {
            body.set("usageMetadata", meta);
        }
        if (Usage.nz(usage.cacheCreation5mTokens()) + Usage.nz(usage.cacheCreation1hTokens()) > 0) {
            loss.drop("usage.cache_creation"); // Gemini has no cache-write counter (they stay in the prompt count)
        }
        return frame(body);
    }

    private SseFrame frame(ObjectNode body) {
        if (model != null) {
            body.put("modelVersion", model);
        }
        if (id != null) {
            body.put("responseId", id);
        }
        return SseFrame.data(GeminiMappings.write(body));
    }
}
