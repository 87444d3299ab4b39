package io.gproxy.transform.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import io.gproxy.protocol.Json;
import io.gproxy.protocol.sse.SseFrame;
import io.gproxy.transform.StreamDecoder;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.TransformException;
import io.gproxy.transform.ir.Content;
import io.gproxy.transform.ir.FinishReason;
import io.gproxy.transform.ir.LossReport;
import io.gproxy.transform.ir.StreamEvent;
import io.gproxy.transform.ir.StreamEvent.BlockType;
import io.gproxy.transform.ir.Usage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code streamGenerateContent?alt=sse} to IR events. Every {@code data:} frame is a complete
 * GenerateContentResponse; there are no event names and no terminator, so EOF after a chunk with a
 * {@code finishReason} is the normal end and EOF before one is an incomplete stream.
 *
 * <p>Blocks: consecutive text parts extend one text block, consecutive thought parts one reasoning block; each
 * functionCall part is a complete tool-call block (start, the whole {@code args} as one arguments delta, stop).
 * A signature on a thought part is that reasoning block's signature; a signature on any other part is a
 * signature-only reasoning block right before that part's block (as {@link GeminiModelParts} does), so the
 * signature returns to the function call it came with.
 */
final class GeminiStreamDecoder implements StreamDecoder {
    private final LossReport loss;
    private final GeminiCallIds ids = new GeminiCallIds();
    private boolean started;
    private boolean finished;
    private boolean failed;
    private boolean calledTools;
    private int nextIndex;
    private int openIndex = -1;
    private BlockType openType;
    private boolean openSigned;
    private Usage usage = Usage.EMPTY;

    GeminiStreamDecoder(TransformContext ctx) {
        this.loss = ctx.loss();
    }

    @Override
    public List<StreamEvent> decode(SseFrame frame) throws TransformException {
        List<StreamEvent> out = new ArrayList<>();
        if (failed || frame.data() == null || frame.data().isBlank()) {
            return out;
        }
        JsonNode chunk;
        try {
            chunk = Json.MAPPER.readTree(frame.data());
        } catch (Exception e) {
            throw new TransformException("unparseable Gemini stream chunk");
        }
        if (chunk == null || !chunk.isObject()) {
            throw new TransformException("Gemini stream chunk must be a JSON object");
        }
        JsonNode error = chunk.get("error");
        if (error != null && error.isObject()) {
            failed = true;
            startIfNeeded(out);
            String status = GeminiMappings.textOrNull(error, "status");
            String message = GeminiMappings.textOrNull(error, "message");
            out.add(new StreamEvent.Error(status == null ? "upstream_error" : status.toLowerCase(Locale.ROOT),
                    message == null ? "upstream error" : message));
            return out;
        }
        Usage chunkUsage = GeminiMappings.usageFromGemini(chunk.get("usageMetadata"));
        if (!started) {
            started = true;
            usage = chunkUsage;
            out.add(new StreamEvent.Start(GeminiMappings.textOrNull(chunk, "responseId"),
                    GeminiMappings.textOrNull(chunk, "modelVersion"), chunkUsage));
        } else if (!chunkUsage.isEmpty()) {
            Usage merged = usage.merge(chunkUsage);
            if (!merged.equals(usage)) {
                usage = merged;
                out.add(new StreamEvent.UsageUpdate(chunkUsage));
            }
        }
        JsonNode candidates = chunk.get("candidates");
        JsonNode candidate = candidates != null && candidates.isArray() && !candidates.isEmpty()
                ? candidates.get(0) : null;
        if (candidates != null && candidates.size() > 1) {
            loss.drop("candidates");
        }
        if (candidate != null && !finished) {
            JsonNode parts = candidate.path("content").get("parts");
            if (parts != null && parts.isArray()) {
                for (JsonNode part : parts) {
                    part(part, out);
                }
            }
            String reason = GeminiMappings.textOrNull(candidate, "finishReason");
            FinishReason finish = GeminiMappings.finishFromGemini(reason, calledTools);
            if (finish != null) {
                finish(finish, out);
            }
        } else if (candidate == null && !finished
                && GeminiMappings.textOrNull(chunk.path("promptFeedback"), "blockReason") != null) {
            finish(FinishReason.CONTENT_FILTER, out);
        }
        return out;
    }

    private void part(JsonNode part, List<StreamEvent> out) throws TransformException {
        if (!part.isObject()) {
            throw new TransformException("content.parts[] must be objects");
        }
        String signature = GeminiMappings.textOrNull(part, "thoughtSignature");
        JsonNode text = part.get("text");
        if (text != null && text.isTextual()) {
            String t = text.asText();
            if (part.path("thought").asBoolean(false)) {
                if (t.isEmpty() && signature == null) {
                    return;
                }
                if (openType != BlockType.REASONING || (openSigned && !t.isEmpty())) {
                    open(BlockType.REASONING, null, null, out);
                }
                if (!t.isEmpty()) {
                    out.add(new StreamEvent.ReasoningDelta(openIndex, t));
                }
                if (signature != null) {
                    out.add(signatureEvent(openIndex, signature));
                    openSigned = true;
                }
                return;
            }
            signatureBlock(signature, out);
            if (!t.isEmpty()) {
                if (openType != BlockType.TEXT) {
                    open(BlockType.TEXT, null, null, out);
                }
                out.add(new StreamEvent.TextDelta(openIndex, t));
            }
            return;
        }
        JsonNode call = part.get("functionCall");
        if (call != null && call.isObject()) {
            String name = GeminiMappings.textOrNull(call, "name");
            if (name == null) {
                throw new TransformException("functionCall.name is required");
            }
            signatureBlock(signature, out);
            open(BlockType.TOOL_CALL, ids.forCall(GeminiMappings.textOrNull(call, "id"), name), name, out);
            JsonNode args = call.get("args");
            out.add(new StreamEvent.ToolArgumentsDelta(openIndex,
                    args == null || args.isNull() ? "{}" : GeminiMappings.write(args)));
            close(out);
            calledTools = true;
            return;
        }
        // inline images, executable code and other part kinds have no IR stream block
        part.fieldNames().forEachRemaining(f -> {
            if (!f.equals("thoughtSignature")) {
                loss.drop("parts." + f);
            }
        });
        signatureBlock(signature, out);
    }

    private void signatureBlock(String signature, List<StreamEvent> out) {
        if (signature == null) {
            return;
        }
        open(BlockType.REASONING, null, null, out);
        out.add(signatureEvent(openIndex, signature));
        close(out);
    }

    private static StreamEvent.ReasoningSignature signatureEvent(int index, String thoughtSignature) {
        Content.Reasoning r = GeminiModelParts.reasoning(null, thoughtSignature);
        return new StreamEvent.ReasoningSignature(index, r.signature(), r.encrypted(), r.origin());
    }

    private void open(BlockType type, String toolId, String toolName, List<StreamEvent> out) {
        close(out);
        openIndex = nextIndex++;
        openType = type;
        openSigned = false;
        out.add(new StreamEvent.BlockStart(openIndex, type, toolId, toolName));
    }

    private void close(List<StreamEvent> out) {
        if (openIndex >= 0) {
            out.add(new StreamEvent.BlockStop(openIndex));
            openIndex = -1;
            openType = null;
            openSigned = false;
        }
    }

    private void finish(FinishReason reason, List<StreamEvent> out) {
        close(out);
        finished = true;
        out.add(new StreamEvent.Finish(reason));
    }

    /** The event order promises Start first even when the upstream failed before its first chunk. */
    private void startIfNeeded(List<StreamEvent> out) {
        if (!started) {
            started = true;
            out.add(new StreamEvent.Start(null, null, Usage.EMPTY));
        }
    }

    @Override
    public List<StreamEvent> finish() {
        if (failed) {
            return List.of();
        }
        if (finished) {
            return List.of(new StreamEvent.End());
        }
        failed = true;
        List<StreamEvent> out = new ArrayList<>();
        startIfNeeded(out);
        out.add(new StreamEvent.Error("incomplete_stream", "the Gemini stream ended before a finishReason"));
        return out;
    }
}
