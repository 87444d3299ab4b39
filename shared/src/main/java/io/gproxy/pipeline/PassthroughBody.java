package io.gproxy.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.protocol.Json;
import io.gproxy.protocol.OperationKey;
import io.gproxy.protocol.OperationKind;
import io.gproxy.protocol.ProtocolFamily;

/**
 * The only edits a same-protocol passthrough makes to the client's body (DESIGN §4): the upstream model id replaces
 * the client's model, and a streamed Chat request asks for the final usage chunk so the call can be billed.
 * Gemini carries its model in the URL, so its body is sent as received.
 */
final class PassthroughBody {
    private PassthroughBody() {}

    static byte[] forUpstream(byte[] original, ObjectNode parsed, OperationKey key, String upstreamModel, boolean stream) {
        if (parsed == null || key.family() == ProtocolFamily.GEMINI) {
            return original;
        }
        ObjectNode body = parsed.deepCopy();
        if (upstreamModel != null) {
            body.put("model", upstreamModel);
        }
        if (stream && key.kind() == OperationKind.OPEN_AI_CHAT_COMPLETIONS) {
            ObjectNode options = body.path("stream_options").isObject() ? (ObjectNode) body.get("stream_options")
                    : body.putObject("stream_options");
            options.put("include_usage", true);
        }
        return Json.bytes(body);
    }
}
