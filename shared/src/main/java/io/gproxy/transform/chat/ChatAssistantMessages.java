package io.gproxy.transform.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.TransformException;
import io.gproxy.transform.ir.Content;

import java.util.ArrayList;
import java.util.List;

/**
 * An assistant message (request history or response {@code choices[].message}): reasoning, text, refusal and
 * tool calls. Chat keeps these in separate fields, so IR order becomes reasoning, text, refusal, tool calls.
 */
final class ChatAssistantMessages {
    private ChatAssistantMessages() {}

    static List<Content> decode(JsonNode message, TransformContext ctx, String where) throws TransformException {
        List<Content> out = new ArrayList<>(ChatReasoningDetails.decode(message, ctx));
        JsonNode content = message.get("content");
        List<String> refusals = new ArrayList<>();
        if (content != null && content.isTextual()) {
            addText(out, content.asText());
        } else if (content != null && content.isArray()) {
            for (JsonNode part : content) {
                String type = ChatNodes.text(part, "type");
                if ("text".equals(type)) {
                    addText(out, ChatNodes.text(part, "text"));
                } else if ("refusal".equals(type)) {
                    refusals.add(ChatNodes.text(part, "refusal"));
                } else {
                    ctx.loss().drop(where + ".content[]." + type);
                }
            }
        } else if (content != null && !content.isNull()) {
            throw new TransformException(where + ".content must be a string or an array");
        }
        refusals.add(ChatNodes.text(message, "refusal"));
        for (String r : refusals) {
            if (r != null && !r.isEmpty()) {
                out.add(new Content.Refusal(r));
            }
        }
        JsonNode toolCalls = message.get("tool_calls");
        if (toolCalls != null && toolCalls.isArray()) {
            int i = 0;
            for (JsonNode call : toolCalls) {
                out.add(decodeToolCall(call, i++, where));
            }
        } else if (toolCalls != null && !toolCalls.isNull()) {
            throw new TransformException(where + ".tool_calls must be an array");
        }
        JsonNode functionCall = message.get("function_call");
        if (functionCall != null && functionCall.isObject()) {
            String name = ChatNodes.text(functionCall, "name");
            out.add(new Content.ToolCall(legacyCallId(name), name, arguments(functionCall.get("arguments")), false));
        }
        if (ChatNodes.present(message, "audio")) {
            ctx.loss().drop(where + ".audio");
        }
        return out;
    }

    /**
     * Legacy {@code function} calls and results carry only the function name; both sides derive the same id from
     * it so the result still finds its call.
     */
    static String legacyCallId(String name) {
        return "call_" + name;
    }

    /**
     * Writes the content fields onto {@code message}. Text blocks are concatenated without a separator: a
     * split in one answer (Claude splits text around citations) must not grow a line break. Without text,
     * {@code content} is null where the API itself writes null (a response with a refusal or tool calls, a
     * request message with tool calls) and empty otherwise, since requests only allow null beside tool calls.
     */
    static void encode(List<Content> content, ObjectNode message, TransformContext ctx, String where,
                       boolean response) {
        StringBuilder text = new StringBuilder();
        StringBuilder refusal = new StringBuilder();
        List<Content.Reasoning> reasoning = new ArrayList<>();
        ArrayNode toolCalls = ChatNodes.array();
        for (Content c : content) {
            switch (c) {
                case Content.Text t -> text.append(t.text());
                case Content.Refusal r -> refusal.append(r.text());
                case Content.Reasoning r -> reasoning.add(r);
                case Content.ToolCall call -> toolCalls.add(encodeToolCall(call));
                default -> ctx.loss().drop(where + "." + ChatContentParts.kind(c));
            }
        }
        if (!text.isEmpty()) {
            message.put("content", text.toString());
        } else if (!toolCalls.isEmpty() || (response && !refusal.isEmpty())) {
            message.putNull("content");
        } else {
            message.put("content", "");
        }
        if (!refusal.isEmpty()) {
            message.put("refusal", refusal.toString());
        }
        ChatReasoningDetails.encode(reasoning, message);
        if (!toolCalls.isEmpty()) {
            message.set("tool_calls", toolCalls);
        }
    }

    static ObjectNode encodeToolCall(Content.ToolCall call) {
        ObjectNode out = ChatNodes.object();
        out.put("id", call.id());
        String args = call.arguments() == null ? "" : call.arguments();
        if (call.custom()) {
            out.put("type", "custom");
            out.putObject("custom").put("name", call.name()).put("input", args);
        } else {
            out.put("type", "function");
            out.putObject("function").put("name", call.name()).put("arguments", args);
        }
        return out;
    }

    private static Content.ToolCall decodeToolCall(JsonNode call, int position, String where) throws TransformException {
        if (!call.isObject()) {
            throw new TransformException(where + ".tool_calls[] must be an object");
        }
        String id = ChatNodes.text(call, "id");
        if (id == null || id.isEmpty()) {
            id = "call_" + position;
        }
        if ("custom".equals(ChatNodes.text(call, "type"))) {
            JsonNode custom = call.get("custom");
            return new Content.ToolCall(id, ChatNodes.text(custom, "name"), arguments(custom == null ? null : custom.get("input")), true);
        }
        JsonNode function = call.get("function");
        if (function == null || !function.isObject()) {
            throw new TransformException(where + ".tool_calls[].function must be an object");
        }
        return new Content.ToolCall(id, ChatNodes.text(function, "name"), arguments(function.get("arguments")), false);
    }

    /** Arguments are JSON text; loose clients send the object itself. */
    private static String arguments(JsonNode args) {
        if (args == null || args.isNull()) {
            return "";
        }
        return args.isTextual() ? args.asText() : ChatNodes.serialize(args);
    }

    private static void addText(List<Content> out, String text) {
        if (text != null && !text.isEmpty()) {
            out.add(new Content.Text(text));
        }
    }
}
