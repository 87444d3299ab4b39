package io.gproxy.transform.claude;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.TransformException;
import io.gproxy.transform.ir.Content;
import io.gproxy.transform.ir.IrResponse;
import io.gproxy.transform.ir.LossReport;

import java.util.ArrayList;
import java.util.List;

/** A non-stream Messages response ({@code type: message}) ⇔ IR response. */
final class ClaudeResponseCodec {

    private ClaudeResponseCodec() {}

    static IrResponse decode(JsonNode body, TransformContext ctx) throws TransformException {
        if (body == null || !body.isObject()) {
            throw new TransformException("response body must be a JSON object");
        }
        if ("error".equals(ClaudeJson.lenientString(body, "type"))) {
            throw new TransformException("response body is an error");
        }
        LossReport loss = ctx.loss();
        JsonNode contentNode = body.get("content");
        if (contentNode == null || !contentNode.isArray()) {
            throw new TransformException("content must be an array");
        }
        List<Content> content = new ArrayList<>();
        for (JsonNode block : contentNode) {
            if (!block.isObject()) {
                throw new TransformException("content blocks must be objects");
            }
            ClaudeBlocks.noteBlockExtras(block, loss);
            String type = ClaudeJson.string(block, "type", "content block");
            Content c = switch (type == null ? "" : type) {
                case "text" -> ClaudeBlocks.decodeText(block);
                case "thinking" -> ClaudeBlocks.decodeThinking(block);
                case "redacted_thinking" -> ClaudeBlocks.decodeRedactedThinking(block);
                case "tool_use" -> ClaudeBlocks.decodeToolUse(block);
                default -> {
                    loss.drop(type); // server_tool_use, web_search_tool_result, ...
                    yield null;
                }
            };
            if (c != null) {
                content.add(c);
            }
        }
        if (ClaudeJson.present(body, "stop_sequence")) {
            loss.drop("stop_sequence");
        }
        return new IrResponse(ClaudeJson.lenientString(body, "id"), ClaudeJson.lenientString(body, "model"), content,
                ClaudeStopReason.decode(ClaudeJson.lenientString(body, "stop_reason")),
                ClaudeUsage.decode(body.get("usage")), 0);
    }

    static ObjectNode encode(IrResponse r, TransformContext ctx) {
        LossReport loss = ctx.loss();
        ClaudeToolIds ids = new ClaudeToolIds();
        ObjectNode out = ClaudeJson.object();
        out.put("id", r.id() != null ? r.id() : syntheticId(ctx));
        out.put("type", "message");
        out.put("role", "assistant");
        out.put("model", r.model() != null ? r.model() : "unknown");
        ArrayNode content = out.putArray("content");
        boolean calledTools = false;
        for (Content c : r.content()) {
            switch (c) {
                case Content.Text t -> ClaudeBlocks.appendText(t.text(), content);
                case Content.Refusal rf -> ClaudeBlocks.appendText(rf.text(), content);
                case Content.Reasoning rs -> ClaudeBlocks.appendReasoning(rs, content, false, loss);
                case Content.ToolCall call -> {
                    ClaudeBlocks.appendToolUse(call, content, ids, loss);
                    calledTools = true;
                }
                default -> loss.drop("content." + ClaudeBlocks.kindName(c));
            }
        }
        out.put("stop_reason", ClaudeStopReason.encode(r.finish(), calledTools));
        out.putNull("stop_sequence");
        out.set("usage", ClaudeUsage.encodeFull(r.usage()));
        return out;
    }

    /** Used when the upstream gave no id; Claude clients expect one. */
    static String syntheticId(TransformContext ctx) {
        return "msg_gproxy_" + Long.toString(ctx.nowEpochSeconds(), 36);
    }
}
