package io.gproxy.transform.claude;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.protocol.OperationKind;
import io.gproxy.transform.ProtocolCodec;
import io.gproxy.transform.StreamDecoder;
import io.gproxy.transform.StreamEncoder;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.TransformException;
import io.gproxy.transform.ir.IrRequest;
import io.gproxy.transform.ir.IrResponse;

/**
 * Anthropic Messages ({@code POST /v1/messages}) ⇔ IR. Stateless: per-request state (tool-id memo, turn building)
 * lives in the helper instances each call creates.
 */
public final class ClaudeCodec implements ProtocolCodec {

    @Override
    public OperationKind kind() {
        return OperationKind.CLAUDE_MESSAGES;
    }

    @Override
    public IrRequest decodeRequest(JsonNode body, TransformContext ctx) throws TransformException {
        return ClaudeRequestDecoder.decode(body, ctx);
    }

    @Override
    public ObjectNode encodeRequest(IrRequest request, TransformContext ctx) {
        return ClaudeRequestEncoder.encode(request, ctx);
    }

    @Override
    public IrResponse decodeResponse(JsonNode body, TransformContext ctx) throws TransformException {
        return ClaudeResponseCodec.decode(body, ctx);
    }

    @Override
    public ObjectNode encodeResponse(IrResponse response, TransformContext ctx) {
        return ClaudeResponseCodec.encode(response, ctx);
    }

    @Override
    public StreamDecoder newStreamDecoder(TransformContext ctx) {
        return new ClaudeStreamDecoder(ctx);
    }

    @Override
    public StreamEncoder newStreamEncoder(TransformContext ctx) {
        return new ClaudeStreamEncoder(ctx);
    }
}
