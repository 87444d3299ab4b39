package io.gproxy.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.channel.RoutingDecision;
import io.gproxy.config.ConfigSnapshot;
import io.gproxy.http.HttpRequest;
import io.gproxy.http.HttpResponse;
import io.gproxy.http.QueryString;
import io.gproxy.protocol.ClassifiedRequest;
import io.gproxy.protocol.Json;
import io.gproxy.protocol.Operation;
import io.gproxy.protocol.OperationKey;
import io.gproxy.protocol.OperationKind;
import io.gproxy.transform.CodecRegistry;
import io.gproxy.transform.ProtocolCodec;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.TransformException;
import io.gproxy.transform.ir.IrRequest;
import io.gproxy.transform.ops.CountTokens;
import io.gproxy.transform.ops.Models;
import io.gproxy.transform.ops.NonContentOps;
import io.gproxy.transform.ops.OpsRequest;
import io.gproxy.transform.ops.TokenCounter;
import io.gproxy.transform.ops.UnsupportedConversionException;

import java.util.Map;

/**
 * Decides, per target, what goes upstream (spec/surface.md §3.7, §3.8): the client's own body with the model
 * patched (passthrough), or the request converted into the provider's protocol — content through the IR, other
 * operations through {@link NonContentOps} — with the endpoint synthesised for that protocol. {@code local} cells
 * are answered here without an upstream ({@link #local}).
 */
final class CallPlanner {
    private final CodecRegistry codecs;
    private final NonContentOps ops;

    CallPlanner(CodecRegistry codecs) {
        this.codecs = codecs;
        this.ops = new NonContentOps(codecs);
    }

    UpstreamCall plan(HttpRequest request, ClassifiedRequest req, ObjectNode body, Target target, RoutingDecision decision)
            throws GatewayError {
        return switch (decision.implementation()) {
            case PASSTHROUGH -> new UpstreamCall(req.key(), passthroughPath(req, target), request.query(),
                    PassthroughBody.forUpstream(request.body(), body, req.key(), target.upstreamModel(), req.stream()),
                    null, null, req.operation().isContentGeneration() ? codecs.find(req.kind()).orElse(null) : null);
            case TRANSFORM_TO -> req.operation().isContentGeneration()
                    ? transform(req, body, target, decision.destination())
                    : transformOperation(req, body, target, decision.destination());
            case LOCAL -> throw new GatewayError(501, req.key() + " is routed local, which the gateway does not serve");
            case UNSUPPORTED -> throw new GatewayError(501, "operation not supported by provider routing rules");
        };
    }

    /**
     * Answers a {@code local} cell without an upstream (spec/surface.md §3.7, §6): {@code count_tokens} is counted
     * here (never fails), {@code get_model} is looked up in the provider's catalogue. Other operations cannot be
     * served locally (501).
     *
     * <p>The counting model is the target's upstream model, then the requested model: the reference prefers the
     * body's model, but an aggregated body names a route or {@code provider/model}, which says less about the
     * tokenizer than the model the target would have called.
     */
    HttpResponse local(ClassifiedRequest req, ObjectNode body, Target target, ConfigSnapshot snapshot) throws GatewayError {
        if (req.operation() == Operation.COUNT_TOKENS) {
            String model = target.upstreamModel() != null ? target.upstreamModel() : req.model();
            int tokens = TokenCounter.countBody(body, model);
            return HttpResponse.json(200, CountTokens.render(req.kind().family(), tokens).toString());
        }
        if (req.operation() == Operation.GET_MODEL) {
            Map<String, String> models = ModelCatalog.scoped(snapshot, target.provider());
            String id = target.upstreamModel();
            if (id == null || !models.containsKey(id)) {
                throw new GatewayError(404, "unknown model: " + req.model());
            }
            return HttpResponse.json(200, ModelCatalog.renderOne(req.kind().family(), id, models.get(id)).toString());
        }
        throw new GatewayError(501, req.key() + " cannot be served locally");
    }

    /**
     * The inbound path, except that a get_model names the target's model (provider aliases applied). Gemini model
     * paths are rebuilt by the channel.
     */
    private static String passthroughPath(ClassifiedRequest req, Target target) {
        if (req.operation() == Operation.GET_MODEL && target.upstreamModel() != null && !target.upstreamModel().isBlank()) {
            return Models.getPath(req.kind().family(), target.upstreamModel());
        }
        return req.providerPath();
    }

    /** A non-content operation converted for another family or operation (spec/surface.md §4.12). */
    private UpstreamCall transformOperation(ClassifiedRequest req, ObjectNode body, Target target, OperationKey dest)
            throws GatewayError {
        TransformContext ctx = TransformContext.now();
        OpsRequest converted;
        try {
            converted = ops.convert(req.key(), dest, body, req.providerPath(), target.upstreamModel(), ctx);
        } catch (UnsupportedConversionException e) {
            throw new GatewayError(501, e.getMessage());
        } catch (TransformException e) {
            throw new GatewayError(422, "request transform failed: " + e.getMessage());
        }
        return new UpstreamCall(converted.key(), converted.providerPath(), QueryString.empty(),
                converted.body() == null ? null : Json.bytes(converted.body()), null,
                new OpsAnswer(converted.response(), ctx), null);
    }

    /**
     * A content request converted through the IR. The upstream operation may differ from the client's: a stream
     * client on a non-stream cell is served by synthesising its stream from the whole answer, a non-stream client
     * on a stream-only cell by folding the upstream stream into one answer (spec/surface.md §3.7).
     */
    private UpstreamCall transform(ClassifiedRequest req, ObjectNode body, Target target, OperationKey dest) throws GatewayError {
        ProtocolCodec client = codec(req.kind(), req.key(), dest);
        ProtocolCodec upstream = codec(dest.kind(), req.key(), dest);
        TransformContext ctx = TransformContext.now();
        byte[] converted;
        boolean stream = dest.operation() == Operation.STREAM_GENERATE_CONTENT;
        try {
            IrRequest ir = client.decodeRequest(body, ctx).withModel(target.upstreamModel()).withStream(stream);
            converted = Json.bytes(upstream.encodeRequest(ir, ctx));
        } catch (TransformException e) {
            throw new GatewayError(422, "request transform failed: " + e.getMessage());
        }
        return new UpstreamCall(dest, contentPath(dest.kind(), stream, target.upstreamModel()),
                dest.kind() == OperationKind.GEMINI_GENERATE_CONTENT && stream ? QueryString.parse("alt=sse") : QueryString.empty(),
                converted, new Transcoding(client, upstream, ctx, req.kind(), req.geminiSse()), null, upstream);
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
