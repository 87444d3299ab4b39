package io.gproxy.transform.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.protocol.OperationKind;
import io.gproxy.protocol.ProtocolFamily;
import io.gproxy.transform.CodecRegistry;
import io.gproxy.transform.ProtocolCodec;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.TransformException;
import io.gproxy.transform.ir.IrRequest;

import java.util.Iterator;
import java.util.Set;

/**
 * {@code count_tokens} between the three families (spec/surface.md §4.12). A count body is a content request without
 * the generation settings: Claude's {@code /v1/messages/count_tokens} takes a Messages-like body, OpenAI's
 * {@code /v1/responses/input_tokens} a Responses-like body, Gemini's {@code :countTokens} either {@code contents} or a
 * whole {@code generateContentRequest}. So a request converts through the content codecs (decode with the client's,
 * encode with the upstream's) and is then cut down to the fields the target count endpoint takes. Answers are the
 * one number re-shaped: Claude {@code {"input_tokens":n}}, OpenAI
 * {@code {"object":"response.input_tokens","input_tokens":n}}, Gemini {@code {"totalTokens":n}}.
 */
public final class CountTokens {
    /** What {@code POST /v1/messages/count_tokens} accepts of an encoded Messages body. */
    private static final Set<String> CLAUDE_FIELDS = Set.of("model", "messages", "system", "tools", "tool_choice",
            "thinking");
    /** What {@code POST /v1/responses/input_tokens} accepts of an encoded Responses body. */
    private static final Set<String> OPENAI_FIELDS = Set.of("model", "input", "instructions", "tools", "tool_choice",
            "parallel_tool_calls", "reasoning", "text", "truncation");

    private CountTokens() {}

    /** The content codec whose body shape a family's count endpoint takes. */
    static OperationKind contentKind(ProtocolFamily family) {
        return switch (family) {
            case OPENAI -> OperationKind.OPEN_AI_RESPONSES;
            case CLAUDE -> OperationKind.CLAUDE_MESSAGES;
            case GEMINI -> OperationKind.GEMINI_GENERATE_CONTENT;
        };
    }

    /** Provider-relative endpoint of a family's count operation (spec/surface.md §3.8). */
    public static String path(ProtocolFamily family, String model) {
        return switch (family) {
            case OPENAI -> "/v1/responses/input_tokens";
            case CLAUDE -> "/v1/messages/count_tokens";
            case GEMINI -> "/v1beta/models/" + OpsJson.bareModel(model) + ":countTokens";
        };
    }

    /**
     * Converts a count request body.
     *
     * @param model the upstream model: written into Claude and OpenAI bodies and Gemini's {@code generateContentRequest}
     */
    public static ObjectNode convertRequest(CodecRegistry codecs, ProtocolFamily from, ProtocolFamily to,
                                            JsonNode body, String model, TransformContext ctx) throws TransformException {
        OpsJson.requireObject(body, "request body");
        if (model == null || model.isBlank()) {
            throw new TransformException("a model is required to count tokens upstream");
        }
        JsonNode source = body;
        if (from == ProtocolFamily.GEMINI && body.path("generateContentRequest").isObject()) {
            source = body.get("generateContentRequest");
            if (body.has("contents")) {
                ctx.loss().drop("contents");
            }
        }
        IrRequest ir = codec(codecs, from).decodeRequest(source, ctx).withModel(OpsJson.bareModel(model)).withStream(false);
        ObjectNode encoded = codec(codecs, to).encodeRequest(ir, ctx);
        return switch (to) {
            case CLAUDE -> keep(encoded, CLAUDE_FIELDS);
            case OPENAI -> keep(encoded, OPENAI_FIELDS);
            case GEMINI -> geminiCountBody(encoded, model);
        };
    }

    /** The upstream's count answer in the client's family. */
    public static ObjectNode convertResponse(ProtocolFamily upstream, ProtocolFamily client, JsonNode body)
            throws TransformException {
        return render(client, readCount(upstream, body));
    }

    /** The number in a family's count answer. Gemini omits {@code totalTokens} when it is 0 (proto3 JSON). */
    public static long readCount(ProtocolFamily family, JsonNode body) throws TransformException {
        OpsJson.requireObject(body, "count_tokens response");
        String field = family == ProtocolFamily.GEMINI ? "totalTokens" : "input_tokens";
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            if (family == ProtocolFamily.GEMINI) {
                return 0;
            }
            throw new TransformException("count_tokens response without " + field);
        }
        if (!n.isIntegralNumber() && !(n.isNumber() && n.canConvertToLong())) {
            throw new TransformException("count_tokens response " + field + " is not a number");
        }
        return n.longValue();
    }

    /** A count answer in a family's shape. */
    public static ObjectNode render(ProtocolFamily family, long tokens) {
        ObjectNode out = OpsJson.object();
        switch (family) {
            case CLAUDE -> out.put("input_tokens", tokens);
            case OPENAI -> {
                out.put("object", "response.input_tokens");
                out.put("input_tokens", tokens);
            }
            case GEMINI -> out.put("totalTokens", tokens);
        }
        return out;
    }

    /**
     * Gemini's count body: plain {@code contents} when that is all there is, else a {@code generateContentRequest}
     * (the only form that takes a system instruction and tools). Generation settings are left out: they do not count
     * and some models refuse them here.
     */
    private static ObjectNode geminiCountBody(ObjectNode encoded, String model) {
        ObjectNode out = OpsJson.object();
        boolean full = encoded.has("systemInstruction") || encoded.has("tools") || encoded.has("toolConfig");
        if (!full) {
            out.set("contents", encoded.has("contents") ? encoded.get("contents") : OpsJson.array());
            return out;
        }
        ObjectNode req = out.putObject("generateContentRequest");
        req.put("model", OpsJson.geminiName(model));
        for (String f : new String[] {"contents", "systemInstruction", "tools", "toolConfig"}) {
            if (encoded.has(f)) {
                req.set(f, encoded.get(f));
            }
        }
        return out;
    }

    private static ObjectNode keep(ObjectNode encoded, Set<String> fields) {
        for (Iterator<String> it = encoded.fieldNames(); it.hasNext(); ) {
            if (!fields.contains(it.next())) {
                it.remove();
            }
        }
        return encoded;
    }

    private static ProtocolCodec codec(CodecRegistry codecs, ProtocolFamily family) throws TransformException {
        return codecs.find(contentKind(family))
                .orElseThrow(() -> new TransformException("no codec for " + contentKind(family).id()));
    }
}
