package io.gproxy.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.channel.RoutingDecision;
import io.gproxy.http.HttpRequest;
import io.gproxy.http.QueryString;
import io.gproxy.protocol.ClassifiedRequest;
import io.gproxy.protocol.Json;
import io.gproxy.protocol.OperationKey;
import io.gproxy.protocol.OperationKind;
import io.gproxy.transform.CodecRegistry;
import io.gproxy.transform.ProtocolCodec;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.TransformException;
import io.gproxy.transform.ir.IrRequest;

/**
 * Decides, per target, what goes upstream (spec/surface.md §3.7, §3.8): the client's own body with the model
 * patched (passthrough), or the request converted through the IR into the provider's protocol, with the endpoint
 * synthesised for that protocol.
 */
final class CallPlanner {
    private final CodecRegistry codecs;

    CallPlanner(CodecRegistry codecs) {
        this.codecs = codecs;
    }

    UpstreamCall plan(HttpRequest request, ClassifiedRequest req, ObjectNode body, Target target, RoutingDecision decision)
            throws GatewayError {
        return switch (decision.implementation()) {
            case PASSTHROUGH -> new UpstreamCall(req.key(), req.providerPath(), request.query(),
                    PassthroughBody.forUpstream(request.body(), body, req.key(), target.upstreamModel(), req.stream()), null,
                    req.operation().isContentGeneration() ? codecs.find(req.kind()).orElse(null) : null);
            case TRANSFORM_TO -> transform(req, body, target, decision.destination());
            case LOCAL -> throw new GatewayError(501, "local implementation pending");
            case UNSUPPORTED -> throw new GatewayError(501, "operation not supported by provider routing rules");
        };
    }

    private UpstreamCall transform(ClassifiedRequest req, ObjectNode body, Target target, OperationKey dest) throws GatewayError {
        if (!req.operation().isContentGeneration() || dest.operation() != req.operation()) {
            throw new GatewayError(501, "conversion from " + req.key() + " to " + dest + " is not available yet");
        }
        ProtocolCodec client = codec(req.kind(), req.key(), dest);
        ProtocolCodec upstream = codec(dest.kind(), req.key(), dest);
        TransformContext ctx = TransformContext.now();
        byte[] converted;
        try {
            IrRequest ir = client.decodeRequest(body, ctx).withModel(target.upstreamModel()).withStream(req.stream());
            converted = Json.bytes(upstream.encodeRequest(ir, ctx));
        } catch (TransformException e) {
            throw new GatewayError(422, "request transform failed: " + e.getMessage());
        }
        boolean stream = req.stream();
        return new UpstreamCall(dest, contentPath(dest.kind(), stream, target.upstreamModel()),
                dest.kind() == OperationKind.GEMINI_GENERATE_CONTENT && stream ? QueryString.parse("alt=sse") : QueryString.empty(),
                converted, new Transcoding(client, upstream, ctx, req.kind(), req.geminiSse()), upstream);
    }

    private ProtocolCodec codec(OperationKind kind, OperationKey from, OperationKey to) throws GatewayError {
        return codecs.find(kind).orElseThrow(() ->
                new GatewayError(501, "conversion from " + from + " to " + to + " is not available yet"));
    }

    /** Provider-relative endpoint of a content kind (spec/surface.md §3.8); Gemini is always consumed as SSE. */
    static String contentPath(OperationKind kind, boolean stream, String model) {
        return switch (kind) {
            case OPEN_AI_CHAT_COMPLETIONS -> "/v1/chat/completions";
            case OPEN_AI_RESPONSES, OPEN_AI_RESPONSES_WEB_SOCKET -> "/v1/responses";
            case CLAUDE_MESSAGES -> "/v1/messages";
            case GEMINI_GENERATE_CONTENT -> "/v1beta/models/" + model + (stream ? ":streamGenerateContent" : ":generateContent");
            default -> throw new IllegalArgumentException("not a content kind: " + kind);
        };
    }
}
