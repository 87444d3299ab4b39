package io.gproxy.transform.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gproxy.protocol.sse.SseFrame;
import io.gproxy.transform.StreamDecoder;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.TransformException;
import io.gproxy.transform.ir.OpaqueReasoning;
import io.gproxy.transform.ir.StreamEvent;
import io.gproxy.transform.ir.StreamEvent.BlockType;
import io.gproxy.transform.ir.Usage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Chat {@code chat.completion.chunk} stream to IR events. Chat has no blocks, so they are inferred: a run of
 * deltas of one kind (reasoning, text, refusal, one tool call) is one block, and a change of kind closes it. IR
 * indexes are allocated here; Chat's tool {@code index} only identifies which call an argument fragment
 * continues. Only choice 0 is followed.
 */
final class ChatStreamDecoder implements StreamDecoder {
    /** Key of the legacy {@code delta.function_call}, which has no index. */
    private static final int LEGACY_FUNCTION_KEY = -1;

    private final TransformContext ctx;
    private boolean started;
    private boolean finished;
    private boolean terminated;
    private boolean sawToolCall;
    private int nextIndex;

    private int openIndex = -1;
    private BlockType openType;
    private Integer openDetailIndex;
    private boolean openSealed;
    private boolean openHasSignature;
    private boolean openHasEncrypted;
    private ToolSlot openTool;
    private final Map<Integer, ToolSlot> tools = new HashMap<>();

    private record ToolSlot(int key, int irIndex, String id) {}

    ChatStreamDecoder(TransformContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public List<StreamEvent> decode(SseFrame frame) throws TransformException {
        if (terminated) {
            return List.of();
        }
        String data = frame.data().trim();
        if (data.isEmpty()) {
            return List.of();
        }
        List<StreamEvent> out = new ArrayList<>();
        if (data.equals("[DONE]")) {
            onDone(out);
            return out;
        }
        JsonNode chunk = ChatNodes.parse(data);
        if (!chunk.isObject()) {
            throw new TransformException("chunk is not a JSON object");
        }
        JsonNode error = chunk.get("error");
        if (error != null && !error.isNull()) {
            out.add(upstreamError(error));
            terminated = true;
            return out;
        }
        JsonNode choices = chunk.get("choices");
        JsonNode usage = chunk.get("usage");
        boolean hasChoices = choices != null && choices.isArray() && !choices.isEmpty();
        boolean hasUsage = usage != null && usage.isObject();
        if (!started) {
            if (!hasChoices && !hasUsage) {
                return out; // e.g. Azure's leading prompt_filter_results chunk with an empty id
            }
            out.add(new StreamEvent.Start(ChatNodes.text(chunk, "id"), ChatNodes.text(chunk, "model"), Usage.EMPTY));
            started = true;
        }
        if (hasChoices) {
            for (JsonNode choice : choices) {
                if (choice.path("index").asInt(0) != 0) {
                    ctx.loss().drop("choices[1..]");
                    continue;
                }
                onChoice(choice, out);
            }
        }
        if (hasUsage) {
            out.add(new StreamEvent.UsageUpdate(ChatUsage.decode(usage)));
        }
        return out;
    }

    @Override
    public List<StreamEvent> finish() {
        if (terminated) {
            return List.of();
        }
        terminated = true;
        if (finished) {
            // a finish_reason came, so the answer is whole; some OpenAI-compatible servers end without [DONE]
            return List.of(new StreamEvent.End());
        }
        return List.of(new StreamEvent.Error("incomplete_stream", "upstream stream ended before data: [DONE]"));
    }

    private void onDone(List<StreamEvent> out) {
        terminated = true;
        if (!started) {
            out.add(new StreamEvent.Error("incomplete_stream", "upstream stream ended before any chunk"));
            return;
        }
        if (!finished) {
            finish("stop", out);
        }
        out.add(new StreamEvent.End());
    }

    private void onChoice(JsonNode choice, List<StreamEvent> out) {
        if (finished) {
            return;
        }
        JsonNode delta = choice.get("delta");
        if (delta != null && delta.isObject()) {
            onReasoning(delta, out);
            String content = ChatNodes.text(delta, "content");
            if (content != null && !content.isEmpty()) {
                text(BlockType.TEXT, content, out);
            }
            String refusal = ChatNodes.text(delta, "refusal");
            if (refusal != null && !refusal.isEmpty()) {
                text(BlockType.REFUSAL, refusal, out);
            }
            JsonNode toolCalls = delta.get("tool_calls");
            if (toolCalls != null && toolCalls.isArray()) {
                for (JsonNode call : toolCalls) {
                    onToolCall(call, out);
                }
            }
            JsonNode functionCall = delta.get("function_call");
            if (functionCall != null && functionCall.isObject()) {
                String name = ChatNodes.text(functionCall, "name");
                toolFragment(LEGACY_FUNCTION_KEY, name == null ? null : ChatAssistantMessages.legacyCallId(name),
                        name, ChatNodes.text(functionCall, "arguments"), false, out);
            }
        }
        String reason = ChatNodes.text(choice, "finish_reason");
        if (reason != null) {
            finish(reason, out);
        }
    }

    /**
     * {@code reasoning_content} (or OpenRouter's {@code reasoning}) carries the text; {@code reasoning_details}
     * carries signatures and encrypted data, and the text again when the plain field is absent. A detail
     * {@code index} change, or text after the block's signature, starts a new reasoning block.
     */
    private void onReasoning(JsonNode delta, List<StreamEvent> out) {
        String plain = ChatNodes.text(delta, "reasoning_content");
        if (plain == null) {
            plain = ChatNodes.text(delta, "reasoning");
        }
        JsonNode details = delta.get("reasoning_details");
        boolean hasPlain = plain != null && !plain.isEmpty();
        if (hasPlain) {
            reasoningText(plain, firstTextDetailIndex(details), summaryOnly(details), out);
        }
        if (details == null || !details.isArray()) {
            return;
        }
        for (JsonNode d : details) {
            String type = ChatNodes.text(d, "type");
            Integer index = d.path("index").isInt() ? d.get("index").intValue() : null;
            String origin = OpaqueReasoning.originOf(ChatNodes.text(d, "format"));
            if (ChatReasoningDetails.TEXT.equals(type)) {
                String text = ChatNodes.text(d, "text");
                if (!hasPlain && text != null && !text.isEmpty()) {
                    reasoningText(text, index, false, out);
                }
                String signature = ChatNodes.text(d, "signature");
                if (signature != null && !signature.isEmpty()) {
                    reasoningSeal(signature, null, origin, index, out);
                }
            } else if (ChatReasoningDetails.SUMMARY.equals(type)) {
                String summary = ChatNodes.text(d, "summary");
                if (!hasPlain && summary != null && !summary.isEmpty()) {
                    reasoningText(summary, index, true, out);
                }
            } else if (ChatReasoningDetails.ENCRYPTED.equals(type)) {
                String data = ChatNodes.text(d, "data");
                if (data != null && !data.isEmpty()) {
                    reasoningSeal(null, data, origin, index, out);
                }
            } else {
                ctx.loss().drop("reasoning_details[]." + type);
            }
        }
    }

    /** The plain reasoning text is a summary when the details that carry text are all summaries. */
    private static boolean summaryOnly(JsonNode details) {
        boolean summary = false;
        if (details != null && details.isArray()) {
            for (JsonNode d : details) {
                String type = ChatNodes.text(d, "type");
                if (ChatReasoningDetails.TEXT.equals(type) && ChatNodes.text(d, "text") != null) {
                    return false;
                }
                summary |= ChatReasoningDetails.SUMMARY.equals(type);
            }
        }
        return summary;
    }

    private static Integer firstTextDetailIndex(JsonNode details) {
        if (details != null && details.isArray()) {
            for (JsonNode d : details) {
                String type = ChatNodes.text(d, "type");
                if ((ChatReasoningDetails.TEXT.equals(type) || ChatReasoningDetails.SUMMARY.equals(type))
                        && d.path("index").isInt()) {
                    return d.get("index").intValue();
                }
            }
        }
        return null;
    }

    private boolean sameReasoning(Integer detailIndex) {
        return openType == BlockType.REASONING
                && (detailIndex == null || openDetailIndex == null || detailIndex.equals(openDetailIndex));
    }

    private void reasoningText(String text, Integer detailIndex, boolean summary, List<StreamEvent> out) {
        if (!sameReasoning(detailIndex) || openSealed) {
            openReasoning(detailIndex, out);
        } else if (openDetailIndex == null) {
            openDetailIndex = detailIndex;
        }
        out.add(new StreamEvent.ReasoningDelta(openIndex, text, summary));
    }

    private void reasoningSeal(String signature, String encrypted, String origin, Integer detailIndex,
                               List<StreamEvent> out) {
        boolean fits = sameReasoning(detailIndex) && (signature == null || !openHasSignature)
                && (encrypted == null || !openHasEncrypted);
        if (!fits) {
            openReasoning(detailIndex, out);
        }
        out.add(new StreamEvent.ReasoningSignature(openIndex, signature, encrypted, origin));
        openSealed = true;
        openHasSignature |= signature != null;
        openHasEncrypted |= encrypted != null;
    }

    private void openReasoning(Integer detailIndex, List<StreamEvent> out) {
        open(BlockType.REASONING, null, null, out);
        openDetailIndex = detailIndex;
    }

    private void text(BlockType type, String text, List<StreamEvent> out) {
        if (openType != type) {
            open(type, null, null, out);
        }
        out.add(new StreamEvent.TextDelta(openIndex, text));
    }

    private void onToolCall(JsonNode call, List<StreamEvent> out) {
        boolean custom = "custom".equals(ChatNodes.text(call, "type")) || call.has("custom");
        JsonNode fn = custom ? call.get("custom") : call.get("function");
        String id = ChatNodes.text(call, "id");
        if (id != null && id.isEmpty()) {
            id = null;
        }
        int key;
        if (call.path("index").isInt()) {
            key = call.get("index").intValue();
        } else {
            // no index (some compatible servers): a fragment without id continues the open call
            key = openTool != null && id == null ? openTool.key() : tools.size();
        }
        JsonNode args = fn == null ? null : fn.get(custom ? "input" : "arguments");
        // loose servers stream the arguments object itself
        String argsText = args == null || args.isNull() ? null : args.isTextual() ? args.asText() : ChatNodes.serialize(args);
        toolFragment(key, id, ChatNodes.text(fn, "name"), argsText, custom, out);
    }

    /**
     * The first delta of a call (or a delta with a new id at a used index, which some servers send) opens a
     * tool block; later fragments append to it. A fragment for a call already closed cannot be placed in IR
     * order and is dropped (OpenAI never interleaves calls).
     */
    private void toolFragment(int key, String id, String name, String arguments, boolean custom,
                              List<StreamEvent> out) {
        ToolSlot slot = tools.get(key);
        boolean isNew = slot == null || (id != null && !id.equals(slot.id()));
        if (isNew) {
            String callId = id != null ? id : "call_" + (key == LEGACY_FUNCTION_KEY ? tools.size() : key);
            open(BlockType.TOOL_CALL, callId, name == null ? "" : name, custom, out);
            slot = new ToolSlot(key, openIndex, callId);
            tools.put(key, slot);
            openTool = slot;
            sawToolCall = true;
        } else if (slot != openTool) {
            if (arguments != null && !arguments.isEmpty()) {
                ctx.loss().drop("tool_calls[].arguments");
            }
            return;
        }
        if (arguments != null && !arguments.isEmpty()) {
            out.add(new StreamEvent.ToolArgumentsDelta(slot.irIndex(), arguments));
        }
    }

    private void open(BlockType type, String toolCallId, String toolName, List<StreamEvent> out) {
        open(type, toolCallId, toolName, false, out);
    }

    private void open(BlockType type, String toolCallId, String toolName, boolean custom, List<StreamEvent> out) {
        close(out);
        openIndex = nextIndex++;
        openType = type;
        out.add(new StreamEvent.BlockStart(openIndex, type, toolCallId, toolName, custom));
    }

    private void close(List<StreamEvent> out) {
        if (openType != null) {
            out.add(new StreamEvent.BlockStop(openIndex));
        }
        openType = null;
        openIndex = -1;
        openDetailIndex = null;
        openSealed = false;
        openHasSignature = false;
        openHasEncrypted = false;
        openTool = null;
    }

    private void finish(String reason, List<StreamEvent> out) {
        close(out);
        out.add(new StreamEvent.Finish(ChatFinishReasons.decode(reason, sawToolCall)));
        finished = true;
    }

    private static StreamEvent.Error upstreamError(JsonNode error) {
        if (error.isTextual()) {
            return new StreamEvent.Error("upstream_error", error.asText());
        }
        String type = ChatNodes.text(error, "type");
        if (type == null && error.hasNonNull("code")) {
            type = error.get("code").asText();
        }
        String message = ChatNodes.text(error, "message");
        return new StreamEvent.Error(type != null ? type : "upstream_error",
                message != null ? message : "upstream stream reported an error");
    }
}
