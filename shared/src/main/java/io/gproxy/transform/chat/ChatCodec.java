package io.gproxy.transform.chat;

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
 * OpenAI Chat Completions ({@code /v1/chat/completions}), including the reasoning extensions Chat-compatible
 * servers use ({@code reasoning_content}, {@code reasoning_details}). Stateless; the work is in the helpers.
 */
public final class ChatCodec implements ProtocolCodec {

    @Override
    public OperationKind kind() {
        return OperationKind.OPEN_AI_CHAT_COMPLETIONS;
    }

    @Override
    public IrRequest decodeRequest(JsonNode body, TransformContext ctx) throws TransformException {
        return ChatRequestDecoder.decode(body, ctx);
    }

    @Override
    public ObjectNode encodeRequest(IrRequest request, TransformContext ctx) {
        return ChatRequestEncoder.encode(request, ctx);
    }

    @Override
    public IrResponse decodeResponse(JsonNode body, TransformContext ctx) throws TransformException {
        return ChatResponseDecoder.decode(body, ctx);
    }

    @Override
    public ObjectNode encodeResponse(IrResponse response, TransformContext ctx) {
        return ChatResponseEncoder.encode(response, ctx);
    }

    @Override
    public StreamDecoder newStreamDecoder(TransformContext ctx) {
        return new ChatStreamDecoder(ctx);
    }

    @Override
    public StreamEncoder newStreamEncoder(TransformContext ctx) {
        return new ChatStreamEncoder(ctx);
    }
}
