package io.gproxy.transform.responses;

import com.fasterxml.jackson.databind.JsonNode;
import io.gproxy.protocol.Json;
import io.gproxy.protocol.sse.SseFrame;
import io.gproxy.transform.StreamDecoder;
import io.gproxy.transform.TransformException;
import io.gproxy.transform.ir.Content;
import io.gproxy.transform.ir.FinishReason;
import io.gproxy.transform.ir.LossReport;
import io.gproxy.transform.ir.StreamEvent;
import io.gproxy.transform.ir.StreamEvent.BlockType;
import io.gproxy.transform.ir.Usage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Responses event stream to IR stream events.
 *
 * <p>IR blocks are keyed by what the upstream addresses: a message's content part ({@code output_index},
 * {@code content_index}), a reasoning item or a tool call ({@code output_index}). IR indexes are allocated here
 * from 0, never copied from the upstream. Text blocks open on their first non-empty delta; a reasoning item that
 * streams no text still becomes a block when its completed item carries encrypted content. When an upstream skips
 * the deltas and only sends the {@code .done} events or the completed item, their full text is used instead, and a
 * stream that only sends a terminal response is read from that response's {@code output}.
 *
 * <p>{@code response.completed} and {@code response.incomplete} end the stream (usage, finish, end);
 * {@code response.failed} and {@code error} end it with an IR error. Later frames and {@code [DONE]} are ignored.
 */
final class ResponsesStreamDecoder implements StreamDecoder {
    private final LossReport loss;
    private final Map<Integer, ItemState> items = new HashMap<>();
    private final Map<String, Integer> outputIndexByItemId = new HashMap<>();
    private boolean started;
    private boolean done;
    private boolean anyBlock;
    private boolean sawToolCall;
    private int nextIndex;
    private int syntheticOutputIndex = 1_000_000;
    private Open open;

    private record Open(String key, int index) {}

    /** What is known about one output item. */
    private static final class ItemState {
        String type;
        String callId;
        String name;
        boolean emitted;
        boolean argsSeen;
        Integer lastSummaryIndex;
        final Set<String> partsSeen = new HashSet<>();
    }

    ResponsesStreamDecoder(LossReport loss) {
        this.loss = loss;
    }

    @Override
    public List<StreamEvent> decode(SseFrame frame) throws TransformException {
        List<StreamEvent> out = new ArrayList<>();
        if (done || frame.data() == null || frame.data().isBlank() || frame.data().trim().equals("[DONE]")) {
            return out;
        }
        JsonNode e;
        try {
            e = Json.MAPPER.readTree(frame.data());
        } catch (IOException ex) {
            return out; // not an event (spec/surface.md §5.3: skipped)
        }
        if (e == null || !e.isObject()) {
            return out;
        }
        String type = e.path("type").asText(frame.event() == null ? "" : frame.event());
        switch (type) {
            case "response.created", "response.in_progress", "response.queued" -> ensureStart(out, e.get("response"));
            case "response.output_item.added" -> itemAdded(out, e);
            case "response.output_item.done" -> itemDone(out, e);
            case "response.output_text.delta" -> text(out, e, BlockType.TEXT, e.path("delta").asText(""), false);
            case "response.output_text.done" -> text(out, e, BlockType.TEXT, e.path("text").asText(""), true);
            case "response.refusal.delta" -> text(out, e, BlockType.REFUSAL, e.path("delta").asText(""), false);
            case "response.refusal.done" -> text(out, e, BlockType.REFUSAL, e.path("refusal").asText(""), true);
            case "response.content_part.done" -> partDone(out, e);
            case "response.reasoning_summary_text.delta" ->
                    reasoning(out, e, true, e.path("delta").asText(""), false);
            case "response.reasoning_summary_text.done" -> reasoning(out, e, true, e.path("text").asText(""), true);
            case "response.reasoning_text.delta" -> reasoning(out, e, false, e.path("delta").asText(""), false);
            case "response.reasoning_text.done" -> reasoning(out, e, false, e.path("text").asText(""), true);
            case "response.function_call_arguments.delta", "response.custom_tool_call_input.delta" ->
                    arguments(out, e, e.path("delta").asText(""), false);
            case "response.function_call_arguments.done" -> arguments(out, e, e.path("arguments").asText(""), true);
            case "response.custom_tool_call_input.done" -> arguments(out, e, e.path("input").asText(""), true);
            case "response.output_text.annotation.added" -> loss.drop("annotations");
            case "response.completed", "response.incomplete" -> terminal(out, e.path("response"), type);
            case "response.failed" -> {
                JsonNode error = e.path("response").path("error");
                out.add(new StreamEvent.Error(error.path("code").asText("response_failed"),
                        error.path("message").asText("the response failed")));
                done = true;
            }
            case "error" -> {
                JsonNode error = e.has("error") && e.get("error").isObject() ? e.get("error") : e;
                String code = error.path("code").isTextual() ? error.get("code").asText()
                        : error.path("type").asText("error");
                out.add(new StreamEvent.Error(code, error.path("message").asText("upstream error")));
                done = true;
            }
            default -> {
                // content_part.added, summary_part.added/done, tool progress events: nothing to carry
            }
        }
        return out;
    }

    @Override
    public List<StreamEvent> finish() {
        if (done) {
            return List.of();
        }
        done = true;
        return List.of(new StreamEvent.Error("incomplete_stream",
                "the upstream stream ended before response.completed"));
    }

    // ------------------------------------------------------------------ lifecycle

    private void ensureStart(List<StreamEvent> out, JsonNode response) {
        if (started) {
            return;
        }
        started = true;
        String id = response == null ? null : JsonFields.strLenient(response, "id");
        String model = response == null ? null : JsonFields.strLenient(response, "model");
        out.add(new StreamEvent.Start(id, model, Usage.EMPTY));
    }

    private void terminal(List<StreamEvent> out, JsonNode response, String type) throws TransformException {
        ensureStart(out, response);
        JsonNode output = response.path("output");
        if (!anyBlock && output.isArray()) {
            for (JsonNode item : output) {
                emitContent(out, ResponsesResponseCodec.decodeItem(item, loss));
            }
        }
        close(out);
        Usage usage = ResponsesUsage.decode(response.get("usage"));
        if (!usage.isEmpty()) {
            out.add(new StreamEvent.UsageUpdate(usage));
        }
        FinishReason reason;
        if (response.has("status")) {
            reason = ResponseEnvelope.finishOf(response, sawToolCall);
        } else {
            reason = sawToolCall || ResponseEnvelope.hasToolCall(output) ? FinishReason.TOOL_CALLS
                    : type.equals("response.incomplete") ? FinishReason.LENGTH : FinishReason.STOP;
        }
        out.add(new StreamEvent.Finish(reason == null ? FinishReason.STOP : reason));
        out.add(new StreamEvent.End());
        done = true;
    }

    // ------------------------------------------------------------------ blocks

    private int open(List<StreamEvent> out, String key, BlockType type, String callId, String name) {
        if (open != null && open.key().equals(key)) {
            return open.index();
        }
        close(out);
        open = new Open(key, nextIndex++);
        anyBlock = true;
        out.add(new StreamEvent.BlockStart(open.index(), type, callId, name));
        return open.index();
    }

    private void close(List<StreamEvent> out) {
        if (open != null) {
            out.add(new StreamEvent.BlockStop(open.index()));
            open = null;
        }
    }

    private void closeItem(List<StreamEvent> out, int outputIndex) {
        if (open != null && open.key().startsWith("o" + outputIndex + ":")) {
            close(out);
        }
    }

    private int outputIndex(JsonNode e) {
        JsonNode idx = e.get("output_index");
        String itemId = e.has("item_id") ? e.get("item_id").asText()
                : e.path("item").path("id").asText(null);
        if (idx != null && idx.canConvertToInt()) {
            if (itemId != null) {
                outputIndexByItemId.put(itemId, idx.intValue());
            }
            return idx.intValue();
        }
        if (itemId != null) {
            return outputIndexByItemId.computeIfAbsent(itemId, k -> syntheticOutputIndex++);
        }
        return syntheticOutputIndex++;
    }

    private ItemState item(int outputIndex) {
        return items.computeIfAbsent(outputIndex, k -> new ItemState());
    }

    private void itemAdded(List<StreamEvent> out, JsonNode e) {
        ensureStart(out, null);
        int oi = outputIndex(e);
        JsonNode item = e.path("item");
        ItemState st = item(oi);
        st.type = item.path("type").asText("");
        switch (st.type) {
            case "function_call", "custom_tool_call" -> {
                boolean custom = st.type.equals("custom_tool_call");
                st.callId = callId(item);
                st.name = JsonFields.strLenient(item, "name");
                sawToolCall = true;
                int index = open(out, "o" + oi + ":t", BlockType.TOOL_CALL, st.callId, st.name);
                st.emitted = true;
                String args = item.path(custom ? "input" : "arguments").asText("");
                if (!args.isEmpty()) {
                    out.add(new StreamEvent.ToolArgumentsDelta(index, args));
                    st.argsSeen = true;
                }
            }
            case "message", "reasoning" -> { } // blocks open with their first text
            default -> loss.drop("output." + (st.type.isEmpty() ? "unknown" : st.type));
        }
    }

    private static String callId(JsonNode item) {
        String callId = JsonFields.strLenient(item, "call_id");
        return callId != null ? callId : JsonFields.strLenient(item, "id");
    }

    private void text(List<StreamEvent> out, JsonNode e, BlockType type, String text, boolean whole) {
        ensureStart(out, null);
        int oi = outputIndex(e);
        int ci = e.path("content_index").asInt(0);
        ItemState st = item(oi);
        String part = "c" + ci;
        if (text.isEmpty() || (whole && st.partsSeen.contains(part))) {
            return;
        }
        int index = open(out, "o" + oi + ":c" + ci, type, null, null);
        out.add(new StreamEvent.TextDelta(index, text));
        st.partsSeen.add(part);
        st.emitted = true;
    }

    private void partDone(List<StreamEvent> out, JsonNode e) {
        JsonNode part = e.path("part");
        String type = part.path("type").asText("");
        if (type.equals("output_text")) {
            text(out, e, BlockType.TEXT, part.path("text").asText(""), true);
        } else if (type.equals("refusal")) {
            text(out, e, BlockType.REFUSAL, part.path("refusal").asText(""), true);
        }
        String key = "o" + outputIndex(e) + ":c" + e.path("content_index").asInt(0);
        if (open != null && open.key().equals(key)) {
            close(out);
        }
    }

    /** Summary parts of one item are joined with a blank line, raw reasoning parts are contiguous. */
    private void reasoning(List<StreamEvent> out, JsonNode e, boolean summary, String text, boolean whole) {
        ensureStart(out, null);
        int oi = outputIndex(e);
        ItemState st = item(oi);
        int partIndex = e.path(summary ? "summary_index" : "content_index").asInt(0);
        String part = (summary ? "s" : "r") + partIndex;
        if (text.isEmpty() || (whole && st.partsSeen.contains(part))) {
            return;
        }
        int index = open(out, "o" + oi + ":r", BlockType.REASONING, null, null);
        if (summary && st.lastSummaryIndex != null && st.lastSummaryIndex != partIndex) {
            out.add(new StreamEvent.ReasoningDelta(index, ReasoningItems.PART_SEPARATOR));
        }
        if (summary) {
            st.lastSummaryIndex = partIndex;
        }
        out.add(new StreamEvent.ReasoningDelta(index, text));
        st.partsSeen.add(part);
        st.emitted = true;
    }

    private void arguments(List<StreamEvent> out, JsonNode e, String text, boolean whole) {
        ensureStart(out, null);
        int oi = outputIndex(e);
        ItemState st = item(oi);
        if (text.isEmpty() || (whole && st.argsSeen)) {
            return;
        }
        String fallbackId = e.has("item_id") ? e.get("item_id").asText() : null;
        if (st.callId == null) {
            sawToolCall = true;
        }
        int index = open(out, "o" + oi + ":t", BlockType.TOOL_CALL, st.callId != null ? st.callId : fallbackId,
                st.name);
        out.add(new StreamEvent.ToolArgumentsDelta(index, text));
        st.argsSeen = true;
        st.emitted = true;
    }

    private void itemDone(List<StreamEvent> out, JsonNode e) throws TransformException {
        ensureStart(out, null);
        int oi = outputIndex(e);
        JsonNode item = e.path("item");
        ItemState st = item(oi);
        String type = item.path("type").asText(st.type == null ? "" : st.type);
        switch (type) {
            case "message" -> {
                JsonNode content = item.path("content");
                for (int ci = 0; ci < content.size(); ci++) {
                    JsonNode part = content.get(ci);
                    BlockType bt = part.path("type").asText().equals("refusal") ? BlockType.REFUSAL : BlockType.TEXT;
                    String text = part.path(bt == BlockType.REFUSAL ? "refusal" : "text").asText("");
                    if (!text.isEmpty() && !st.partsSeen.contains("c" + ci)) {
                        int index = open(out, "o" + oi + ":c" + ci, bt, null, null);
                        out.add(new StreamEvent.TextDelta(index, text));
                        st.partsSeen.add("c" + ci);
                    }
                }
            }
            case "reasoning" -> {
                String key = "o" + oi + ":r";
                if (!st.emitted) {
                    Content.Reasoning r = ReasoningItems.decode(item, loss);
                    if (r != null && r.text() != null && !r.text().isEmpty()) {
                        int index = open(out, key, BlockType.REASONING, null, null);
                        out.add(new StreamEvent.ReasoningDelta(index, r.text()));
                        st.emitted = true;
                    }
                }
                ReasoningEnvelope.Opaque opaque =
                        ReasoningEnvelope.unwrap(JsonFields.strLenient(item, "encrypted_content"));
                if (opaque.signature() != null || opaque.encrypted() != null) {
                    int index = open(out, key, BlockType.REASONING, null, null);
                    out.add(new StreamEvent.ReasoningSignature(index, opaque.signature(), opaque.encrypted()));
                    st.emitted = true;
                }
            }
            case "function_call", "custom_tool_call" -> {
                boolean custom = type.equals("custom_tool_call");
                sawToolCall = true;
                String callId = st.callId != null ? st.callId : callId(item);
                String name = st.name != null ? st.name : JsonFields.strLenient(item, "name");
                int index = open(out, "o" + oi + ":t", BlockType.TOOL_CALL, callId, name);
                String args = item.path(custom ? "input" : "arguments").asText("");
                if (!st.argsSeen && !args.isEmpty()) {
                    out.add(new StreamEvent.ToolArgumentsDelta(index, args));
                    st.argsSeen = true;
                }
                st.emitted = true;
            }
            default -> { } // noted when added
        }
        closeItem(out, oi);
    }

    /** Blocks for whole content (a terminal response whose items were never streamed). */
    private void emitContent(List<StreamEvent> out, List<Content> content) {
        for (Content c : content) {
            int index;
            switch (c) {
                case Content.Text t -> {
                    index = open(out, "x" + nextIndex, BlockType.TEXT, null, null);
                    out.add(new StreamEvent.TextDelta(index, t.text()));
                }
                case Content.Refusal r -> {
                    index = open(out, "x" + nextIndex, BlockType.REFUSAL, null, null);
                    out.add(new StreamEvent.TextDelta(index, r.text()));
                }
                case Content.Reasoning r -> {
                    index = open(out, "x" + nextIndex, BlockType.REASONING, null, null);
                    if (r.text() != null && !r.text().isEmpty()) {
                        out.add(new StreamEvent.ReasoningDelta(index, r.text()));
                    }
                    if (r.signature() != null || r.encrypted() != null) {
                        out.add(new StreamEvent.ReasoningSignature(index, r.signature(), r.encrypted()));
                    }
                }
                case Content.ToolCall tc -> {
                    sawToolCall = true;
                    index = open(out, "x" + nextIndex, BlockType.TOOL_CALL, tc.id(), tc.name());
                    if (tc.arguments() != null && !tc.arguments().isEmpty()) {
                        out.add(new StreamEvent.ToolArgumentsDelta(index, tc.arguments()));
                    }
                }
                default -> {
                    continue;
                }
            }
            close(out);
        }
    }
}
