package io.gproxy.transform.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.protocol.Json;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.TransformException;
import io.gproxy.transform.ir.Content;
import io.gproxy.transform.ir.IrResponse;
import io.gproxy.transform.ir.LossReport;

import java.util.ArrayList;
import java.util.List;

/** Non-stream Responses bodies ({@code object:"response"}) ⇔ IR responses. */
final class ResponsesResponseCodec {
    private ResponsesResponseCodec() {}

    static IrResponse decode(JsonNode body, TransformContext ctx) throws TransformException {
        if (body == null || !body.isObject()) {
            throw new TransformException("response body must be a JSON object");
        }
        JsonNode output = body.get("output");
        if (output != null && !output.isNull() && !output.isArray()) {
            throw new TransformException("'output' must be an array");
        }
        List<Content> content = new ArrayList<>();
        if (output != null && output.isArray()) {
            for (JsonNode item : output) {
                content.addAll(decodeItem(item, ctx.loss()));
            }
        }
        JsonNode created = body.get("created_at");
        return new IrResponse(JsonFields.strLenient(body, "id"), JsonFields.strLenient(body, "model"), content,
                ResponseEnvelope.finishOf(body, false), ResponsesUsage.decode(body.get("usage")),
                created != null && created.isNumber() ? created.longValue() : 0);
    }

    /** One output item's IR blocks; item kinds the IR cannot hold (web search calls, images...) are noted. */
    static List<Content> decodeItem(JsonNode item, LossReport loss) throws TransformException {
        if (!item.isObject()) {
            throw new TransformException("output items must be objects");
        }
        String type = item.path("type").asText("");
        List<Content> out = new ArrayList<>();
        switch (type) {
            case "message" -> out.addAll(ContentParts.decode(item.get("content"), loss));
            case "reasoning" -> {
                Content.Reasoning r = ReasoningItems.decode(item, loss);
                if (r != null) {
                    out.add(r);
                }
            }
            case "function_call" -> out.add(new Content.ToolCall(callId(item), JsonFields.str(item, "name"),
                    orDefault(JsonFields.str(item, "arguments"), "{}"), false));
            case "custom_tool_call" -> out.add(new Content.ToolCall(callId(item), JsonFields.str(item, "name"),
                    orDefault(JsonFields.str(item, "input"), ""), true));
            default -> loss.drop("output." + (type.isEmpty() ? "unknown" : type));
        }
        return out;
    }

    private static String callId(JsonNode item) {
        String callId = JsonFields.strLenient(item, "call_id");
        return callId != null ? callId : JsonFields.strLenient(item, "id");
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value;
    }

    static ObjectNode encode(IrResponse response, TransformContext ctx) {
        long created = response.createdEpochSeconds() > 0 ? response.createdEpochSeconds() : ctx.nowEpochSeconds();
        String id = response.id() != null ? response.id() : "resp_" + created;
        ArrayNode output = Json.MAPPER.createArrayNode();
        ArrayNode parts = null;
        int n = 0;
        for (Content c : response.content()) {
            switch (c) {
                case Content.Text t when !t.text().isEmpty() -> {
                    if (parts == null) {
                        parts = Json.MAPPER.createArrayNode();
                        output.add(ResponseEnvelope.messageItem(ResponseEnvelope.itemId("msg", id, n++), "completed",
                                parts));
                    }
                    parts.add(ResponseEnvelope.textPart(t.text()));
                }
                case Content.Refusal r when !r.text().isEmpty() -> {
                    if (parts == null) {
                        parts = Json.MAPPER.createArrayNode();
                        output.add(ResponseEnvelope.messageItem(ResponseEnvelope.itemId("msg", id, n++), "completed",
                                parts));
                    }
                    parts.add(ResponseEnvelope.refusalPart(r.text()));
                }
                case Content.Reasoning r -> {
                    parts = null;
                    boolean empty = (r.text() == null || r.text().isEmpty()) && r.signature() == null
                            && r.encrypted() == null;
                    if (!empty) {
                        output.add(ReasoningItems.encodeOutput(ResponseEnvelope.itemId("rs", id, n++), r));
                    }
                }
                case Content.ToolCall tc -> {
                    parts = null;
                    int index = n++;
                    String args = tc.arguments() == null || tc.arguments().isEmpty()
                            ? (tc.custom() ? "" : "{}") : tc.arguments();
                    output.add(ResponseEnvelope.toolCallItem(ResponseEnvelope.itemId(tc.custom() ? "ctc" : "fc", id, index),
                            "completed", tc.id() != null ? tc.id() : "call_" + index, tc.name(), args, tc.custom()));
                }
                case Content.Text t -> { } // empty text is never emitted
                case Content.Refusal r -> { }
                default -> ctx.loss().drop("output." + ContentParts.lossName(c));
            }
        }
        ObjectNode body = ResponseEnvelope.build(id, created, response.model() != null ? response.model() : "unknown",
                "completed", output, response.usage());
        ResponseEnvelope.applyFinish(body, response.finish());
        return body;
    }
}
