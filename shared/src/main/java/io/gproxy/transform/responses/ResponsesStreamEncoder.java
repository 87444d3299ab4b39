package io.gproxy.transform.responses;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.protocol.Json;
import io.gproxy.protocol.sse.SseFrame;
import io.gproxy.transform.StreamEncoder;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.ir.Content;
import io.gproxy.transform.ir.FinishReason;
import io.gproxy.transform.ir.StreamEvent;
import io.gproxy.transform.ir.StreamEvent.BlockType;
import io.gproxy.transform.ir.Usage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * IR stream events to a Responses event stream, in the sequence the API itself sends and openai-java's stream
 * helpers accept: {@code response.created}, {@code response.in_progress}, then per IR block one output item
 * ({@code output_item.added}, its part or summary part, deltas, the {@code .done} events, {@code output_item.done}),
 * then exactly one terminal {@code response.completed | response.incomplete | response.failed} carrying every
 * completed item and the merged usage. Every frame is named after its {@code type} and numbered from 0.
 *
 * <p>Items open lazily on their first content, so an IR block without text never becomes an empty item (a reasoning
 * block with only encrypted content or a signature still does, at its stop). Output indexes are allocated here.
 * Reasoning text is streamed as a summary, the form clients display and send back; a signature rides inside
 * {@code encrypted_content} (see {@link ReasoningEnvelope}).
 */
final class ResponsesStreamEncoder implements StreamEncoder {
    /** A code the openai-java SDK accepts when it validates events (spec §2.5 says upstream_error, which it rejects). */
    static final String ERROR_CODE = "server_error";
    static final String ERROR_MESSAGE = "upstream request failed";

    private final long createdAt;
    private final ArrayNode output = Json.MAPPER.createArrayNode();
    private int sequence;
    private String id;
    private String model;
    private boolean created;
    private boolean over;
    private Usage usage = Usage.EMPTY;
    private FinishReason finish;
    private int nextOutputIndex;
    private Block block;

    /** The IR block being streamed and the output item it became. */
    private static final class Block {
        final int irIndex;
        final BlockType type;
        final String callId;
        final String name;
        final StringBuilder text = new StringBuilder();
        boolean onWire;
        boolean summaryOpen;
        String itemId;
        int outputIndex;
        String signature;
        String encrypted;

        Block(int irIndex, BlockType type, String callId, String name) {
            this.irIndex = irIndex;
            this.type = type;
            this.callId = callId;
            this.name = name;
        }
    }

    ResponsesStreamEncoder(TransformContext ctx) {
        this.createdAt = ctx.nowEpochSeconds();
    }

    @Override
    public List<SseFrame> encode(StreamEvent event) {
        List<SseFrame> out = new ArrayList<>();
        if (over) {
            return out;
        }
        switch (event) {
            case StreamEvent.Start s -> {
                if (id == null) {
                    id = s.id();
                }
                if (model == null) {
                    model = s.model();
                }
                usage = usage.merge(s.usage());
                ensureCreated(out);
            }
            case StreamEvent.BlockStart b -> {
                closeBlock(out);
                ensureCreated(out);
                block = new Block(b.index(), b.type(), b.toolCallId(), b.toolName());
                if (b.type() == BlockType.TOOL_CALL) {
                    openItem(out, block); // id and name are known: announce the call at once
                }
            }
            case StreamEvent.TextDelta t -> {
                Block b = blockFor(out, t.index(), BlockType.TEXT);
                if (!t.text().isEmpty() && (b.type == BlockType.TEXT || b.type == BlockType.REFUSAL)) {
                    openItem(out, b);
                    boolean refusal = b.type == BlockType.REFUSAL;
                    ObjectNode e = partEvent(b, refusal ? "response.refusal.delta" : "response.output_text.delta");
                    e.put("delta", t.text());
                    if (!refusal) {
                        e.putArray("logprobs");
                    }
                    out.add(frame(e));
                    b.text.append(t.text());
                }
            }
            case StreamEvent.ReasoningDelta r -> {
                Block b = blockFor(out, r.index(), BlockType.REASONING);
                if (!r.text().isEmpty() && b.type == BlockType.REASONING) {
                    openItem(out, b);
                    if (!b.summaryOpen) {
                        ObjectNode added = summaryEvent(b, "response.reasoning_summary_part.added");
                        added.putObject("part").put("type", "summary_text").put("text", "");
                        out.add(frame(added));
                        b.summaryOpen = true;
                    }
                    out.add(frame(summaryEvent(b, "response.reasoning_summary_text.delta").put("delta", r.text())));
                    b.text.append(r.text());
                }
            }
            case StreamEvent.ReasoningSignature s -> {
                Block b = blockFor(out, s.index(), BlockType.REASONING);
                if (s.signature() != null) {
                    b.signature = s.signature();
                }
                if (s.encrypted() != null) {
                    b.encrypted = s.encrypted();
                }
            }
            case StreamEvent.ToolArgumentsDelta a -> {
                Block b = blockFor(out, a.index(), BlockType.TOOL_CALL);
                if (!a.partialJson().isEmpty() && b.type == BlockType.TOOL_CALL) {
                    openItem(out, b);
                    out.add(frame(itemEvent(b, "response.function_call_arguments.delta").put("delta", a.partialJson())));
                    b.text.append(a.partialJson());
                }
            }
            case StreamEvent.BlockStop b -> {
                if (block != null && block.irIndex == b.index()) {
                    closeBlock(out);
                }
            }
            case StreamEvent.UsageUpdate u -> usage = usage.merge(u.usage());
            case StreamEvent.Finish f -> {
                closeBlock(out);
                finish = f.reason();
            }
            case StreamEvent.End e -> {
                closeBlock(out);
                ensureCreated(out);
                ObjectNode response = envelope("completed", usage);
                ResponseEnvelope.applyFinish(response, finish);
                String type = ResponseEnvelope.terminalEvent(response.get("status").asText());
                ObjectNode terminal = event(type);
                terminal.set("response", response);
                out.add(frame(terminal));
                over = true;
            }
            case StreamEvent.Error e -> {
                out.add(errorFrame());
                over = true;
            }
        }
        return out;
    }

    @Override
    public List<SseFrame> finish() {
        if (over) {
            return List.of();
        }
        over = true;
        return List.of(errorFrame());
    }

    // ------------------------------------------------------------------ response lifecycle

    private void ensureCreated(List<SseFrame> out) {
        if (created) {
            return;
        }
        created = true;
        for (String type : new String[] {"response.created", "response.in_progress"}) {
            ObjectNode e = event(type);
            e.set("response", envelope("in_progress", null));
            out.add(frame(e));
        }
    }

    private ObjectNode envelope(String status, Usage withUsage) {
        return ResponseEnvelope.build(responseId(), createdAt, model != null ? model : "unknown", status,
                output.deepCopy(), withUsage);
    }

    private String responseId() {
        if (id == null) {
            id = "resp_" + createdAt;
        }
        return id;
    }

    /** spec/surface.md §2.5: the one frame a Responses client gets when the stream cannot finish. */
    private SseFrame errorFrame() {
        ObjectNode response = envelope("failed", null);
        ResponseEnvelope.failed(response, ERROR_CODE, ERROR_MESSAGE);
        ObjectNode e = event("response.failed");
        e.set("response", response);
        return frame(e);
    }

    // ------------------------------------------------------------------ items

    /** The block an event addresses; an event for a block that was never started starts one. */
    private Block blockFor(List<SseFrame> out, int irIndex, BlockType type) {
        if (block == null || block.irIndex != irIndex) {
            closeBlock(out);
            ensureCreated(out);
            block = new Block(irIndex, type, null, null);
        }
        return block;
    }

    private void openItem(List<SseFrame> out, Block b) {
        if (b.onWire) {
            return;
        }
        b.onWire = true;
        b.outputIndex = nextOutputIndex++;
        ObjectNode item;
        switch (b.type) {
            case TEXT, REFUSAL -> {
                b.itemId = ResponseEnvelope.itemId("msg", responseId(), b.outputIndex);
                item = ResponseEnvelope.messageItem(b.itemId, "in_progress", Json.MAPPER.createArrayNode());
            }
            case REASONING -> {
                b.itemId = ResponseEnvelope.itemId("rs", responseId(), b.outputIndex);
                item = Json.MAPPER.createObjectNode().put("id", b.itemId).put("type", "reasoning");
                item.putArray("summary");
            }
            default -> {
                b.itemId = ResponseEnvelope.itemId("fc", responseId(), b.outputIndex);
                item = ResponseEnvelope.toolCallItem(b.itemId, "in_progress", callId(b), b.name == null ? "" : b.name,
                        "", false);
            }
        }
        ObjectNode added = event("response.output_item.added").put("output_index", b.outputIndex);
        added.set("item", item);
        out.add(frame(added));
        if (b.type == BlockType.TEXT || b.type == BlockType.REFUSAL) {
            ObjectNode part = partEvent(b, "response.content_part.added");
            part.set("part", b.type == BlockType.TEXT ? ResponseEnvelope.textPart("") : ResponseEnvelope.refusalPart(""));
            out.add(frame(part));
        }
    }

    private String callId(Block b) {
        return b.callId != null ? b.callId : "call_" + b.outputIndex;
    }

    private void closeBlock(List<SseFrame> out) {
        Block b = block;
        block = null;
        if (b == null) {
            return;
        }
        if (!b.onWire) {
            if (b.type != BlockType.REASONING || (b.signature == null && b.encrypted == null)) {
                return; // nothing was said: no empty item
            }
            openItem(out, b);
        }
        String text = b.text.toString();
        ObjectNode item;
        switch (b.type) {
            case TEXT -> {
                ObjectNode done = partEvent(b, "response.output_text.done").put("text", text);
                done.putArray("logprobs");
                out.add(frame(done));
                ObjectNode partDone = partEvent(b, "response.content_part.done");
                partDone.set("part", ResponseEnvelope.textPart(text));
                out.add(frame(partDone));
                item = ResponseEnvelope.messageItem(b.itemId, "completed",
                        Json.MAPPER.createArrayNode().add(ResponseEnvelope.textPart(text)));
            }
            case REFUSAL -> {
                out.add(frame(partEvent(b, "response.refusal.done").put("refusal", text)));
                ObjectNode partDone = partEvent(b, "response.content_part.done");
                partDone.set("part", ResponseEnvelope.refusalPart(text));
                out.add(frame(partDone));
                item = ResponseEnvelope.messageItem(b.itemId, "completed",
                        Json.MAPPER.createArrayNode().add(ResponseEnvelope.refusalPart(text)));
            }
            case REASONING -> {
                if (b.summaryOpen) {
                    out.add(frame(summaryEvent(b, "response.reasoning_summary_text.done").put("text", text)));
                    ObjectNode partDone = summaryEvent(b, "response.reasoning_summary_part.done");
                    partDone.putObject("part").put("type", "summary_text").put("text", text);
                    out.add(frame(partDone));
                }
                item = ReasoningItems.encodeOutput(b.itemId, new Content.Reasoning(text, b.signature, b.encrypted, true));
            }
            default -> {
                if (text.isEmpty()) {
                    // a call without arguments still sends a JSON object, as the API does
                    text = "{}";
                    out.add(frame(itemEvent(b, "response.function_call_arguments.delta").put("delta", text)));
                }
                out.add(frame(itemEvent(b, "response.function_call_arguments.done").put("arguments", text)
                        .put("name", b.name == null ? "" : b.name)));
                item = ResponseEnvelope.toolCallItem(b.itemId, "completed", callId(b), b.name == null ? "" : b.name,
                        text, false);
            }
        }
        ObjectNode done = event("response.output_item.done").put("output_index", b.outputIndex);
        done.set("item", item);
        out.add(frame(done));
        output.add(item);
    }

    // ------------------------------------------------------------------ frames

    private ObjectNode event(String type) {
        return Json.MAPPER.createObjectNode().put("type", type).put("sequence_number", sequence++);
    }

    private ObjectNode itemEvent(Block b, String type) {
        return event(type).put("item_id", b.itemId).put("output_index", b.outputIndex);
    }

    private ObjectNode partEvent(Block b, String type) {
        return itemEvent(b, type).put("content_index", 0);
    }

    private ObjectNode summaryEvent(Block b, String type) {
        return itemEvent(b, type).put("summary_index", 0);
    }

    private static SseFrame frame(ObjectNode event) {
        return SseFrame.named(event.get("type").asText(), new String(Json.bytes(event), StandardCharsets.UTF_8));
    }
}
