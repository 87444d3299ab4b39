package io.gproxy.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.channel.aws.EventStreamCodec;
import io.gproxy.channel.aws.EventStreamMessage;
import io.gproxy.channel.aws.SigV4Signer;
import io.gproxy.http.Headers;
import io.gproxy.http.QueryString;
import io.gproxy.protocol.Json;
import io.gproxy.protocol.Operation;
import io.gproxy.protocol.OperationKey;
import io.gproxy.protocol.OperationKind;
import io.gproxy.protocol.ProtocolFamily;
import io.gproxy.protocol.sse.SseFrame;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static io.gproxy.protocol.OperationKind.CLAUDE;
import static io.gproxy.protocol.OperationKind.CLAUDE_MESSAGES;
import static io.gproxy.protocol.OperationKind.GEMINI;
import static io.gproxy.protocol.OperationKind.OPEN_AI;

/**
 * AWS Bedrock. Claude traffic goes to the Anthropic-native InvokeModel API:
 * <ul>
 * <li>{@code POST /model/{model}/invoke} (buffered) and {@code /model/{model}/invoke-with-response-stream}
 * (AWS event stream, decoded into Claude SSE by {@link BedrockClaudeStreamDecoder}); the body is an Anthropic
 * Messages body without {@code model} and {@code stream}, with {@code anthropic_version: bedrock-2023-05-31} and the
 * client's {@code anthropic-beta} header moved into {@code anthropic_beta};</li>
 * <li>{@code POST /model/{model}/count-tokens} for Claude count_tokens (the Messages body wrapped as a base64
 * {@code invokeModel} input; the answer reshaped to {@code {"input_tokens"}});</li>
 * <li>model list/get on the control plane ({@code GET /foundation-models?byProvider=anthropic},
 * {@code /foundation-models/{id}}), reshaped into Claude model objects.</li>
 * </ul>
 * Converse / ConverseStream URLs ({@link #conversePath}) and a generic event-stream decoder
 * ({@link #converseStreamDecoder}) are there for the transform layer's Converse codec.
 *
 * <p>Auth, by the secret's fields: {@code api_key} ⇒ Bedrock API key as {@code Authorization: Bearer};
 * {@code access_key_id} + {@code secret_access_key} (+ {@code session_token}) ⇒ AWS SigV4 (service {@code bedrock},
 * the provider's region), signed at {@link PrepareContext#now()}. Settings: {@code region} (default
 * {@value #DEFAULT_REGION}), {@code base_url} (runtime), {@code control_base_url} (control plane).
 * A 403 is {@link Disposition.Permanent} (spec/core.md §3.2: model access not granted, not a dead key).
 */
public final class BedrockChannel extends HttpChannel {
    public static final String DEFAULT_REGION = "us-east-1";
    public static final String ANTHROPIC_VERSION = "bedrock-2023-05-31";
    static final String SIGNING_SERVICE = "bedrock";

    private static final RoutingTable DEFAULTS = OpenAiCompatibleChannel.content(RoutingTable.builder()
                    .pass(Operation.LIST_MODELS, CLAUDE).pass(Operation.GET_MODEL, CLAUDE)
                    .to(Operation.LIST_MODELS, OPEN_AI, CLAUDE).to(Operation.GET_MODEL, OPEN_AI, CLAUDE)
                    .to(Operation.LIST_MODELS, GEMINI, CLAUDE).to(Operation.GET_MODEL, GEMINI, CLAUDE)
                    .pass(Operation.COUNT_TOKENS, CLAUDE)
                    .to(Operation.COUNT_TOKENS, OPEN_AI, CLAUDE).to(Operation.COUNT_TOKENS, GEMINI, CLAUDE),
            CLAUDE_MESSAGES, CLAUDE_MESSAGES)
            .to(Operation.COMPACT_CONTENT, OPEN_AI, Operation.GENERATE_CONTENT, CLAUDE_MESSAGES)
            .build();

    public BedrockChannel() {
        super("aws-bedrock", "AWS Bedrock", "https://bedrock-runtime." + DEFAULT_REGION + ".amazonaws.com",
                Set.of(), Set.of());
    }

    @Override
    public RoutingTable routingDefaults() {
        return DEFAULTS;
    }

    @Override
    protected ProtocolFamily family() {
        return ProtocolFamily.CLAUDE;
    }

    @Override
    protected List<CredentialKind> credentialKinds() {
        return List.of(new CredentialKind("api_key", "Bedrock API key", List.of(FormField.secret("api_key", "API key", true))),
                new CredentialKind("aws_sigv4", "AWS access key (SigV4)", List.of(
                        FormField.string("access_key_id", "Access key id", true, null),
                        FormField.secret("secret_access_key", "Secret access key", true),
                        FormField.secret("session_token", "Session token (temporary credentials)", false))));
    }

    @Override
    protected List<FormField> extraSettings() {
        return List.of(FormField.string("region", "Region", false, null).withDefault(DEFAULT_REGION),
                FormField.url("control_base_url", "Control-plane base URL", false, null));
    }

    @Override
    public Disposition classify(int status, Headers headers, byte[] body, Instant now) {
        return status == 403 ? Disposition.PERMANENT : Disposition.generic(status, headers, now);
    }

    static String region(PrepareContext ctx) {
        String r = ctx.setting("region");
        return r == null ? DEFAULT_REGION : r;
    }

    private static boolean controlPlane(OperationKey key) {
        return key.operation() == Operation.LIST_MODELS || key.operation() == Operation.GET_MODEL;
    }

    @Override
    protected String baseUrl(PrepareContext ctx) throws ChannelException {
        if (controlPlane(ctx.key())) {
            String control = ctx.setting("control_base_url");
            return trimSlashes(control != null ? control : "https://bedrock." + region(ctx) + ".amazonaws.com");
        }
        return super.baseUrl(ctx);
    }

    @Override
    protected String defaultBaseUrl(PrepareContext ctx) {
        return "https://bedrock-runtime." + region(ctx) + ".amazonaws.com";
    }

    @Override
    protected QueryString upstreamQuery(PrepareContext ctx) {
        return ctx.key().operation() == Operation.LIST_MODELS
                ? QueryString.empty().with("byProvider", "anthropic") : QueryString.empty();
    }

    @Override
    protected String streamAccept(PrepareContext ctx) {
        return "application/vnd.amazon.eventstream";
    }

    /** A model id as one path segment; ':' is escaped too, as the AWS SDKs send it. */
    public static String modelSegment(String model) {
        return PathCodec.encodeSegment(model).replace(":", "%3A");
    }

    /** {@code /model/{model}/converse} or {@code /converse-stream}. */
    public static String conversePath(String model, boolean stream) {
        return "/model/" + modelSegment(model) + (stream ? "/converse-stream" : "/converse");
    }

    @Override
    protected String upstreamPath(PrepareContext ctx) throws ChannelException {
        OperationKey key = ctx.key();
        String model = ctx.upstreamModel();
        if (key.operation() == Operation.LIST_MODELS) {
            return "/foundation-models";
        }
        if (model == null || model.isBlank()) {
            throw new ChannelException("aws-bedrock needs an upstream model");
        }
        if (key.operation() == Operation.GET_MODEL) {
            return "/foundation-models/" + modelSegment(model);
        }
        if (key.operation() == Operation.COUNT_TOKENS && key.family() == ProtocolFamily.CLAUDE) {
            return "/model/" + modelSegment(model) + "/count-tokens";
        }
        if (key.operation().isContentGeneration() && key.kind() == OperationKind.CLAUDE_MESSAGES) {
            return "/model/" + modelSegment(model) + (ctx.stream() ? "/invoke-with-response-stream" : "/invoke");
        }
        throw new ChannelException("aws-bedrock does not serve " + key + " natively");
    }

    @Override
    protected byte[] upstreamBody(PrepareContext ctx) throws ChannelException {
        if (!ctx.hasBody()) {
            return null;
        }
        ObjectNode body = invokeBody(ctx);
        if (ctx.key().operation() == Operation.COUNT_TOKENS) {
            if (!body.has("max_tokens")) {
                body.put("max_tokens", 1); // InvokeModel bodies need it; count_tokens bodies never carry it
            }
            ObjectNode wrapped = JsonNodeFactory.instance.objectNode();
            wrapped.putObject("input").putObject("invokeModel")
                    .put("body", Base64.getEncoder().encodeToString(Json.bytes(body)));
            return Json.bytes(wrapped);
        }
        return Json.bytes(body);
    }

    /** The Anthropic Messages body as InvokeModel wants it. */
    static ObjectNode invokeBody(PrepareContext ctx) throws ChannelException {
        JsonNode parsed;
        try {
            parsed = Json.parse(ctx.body());
        } catch (IOException e) {
            throw new ChannelException("request body is not JSON");
        }
        if (!(parsed instanceof ObjectNode body)) {
            throw new ChannelException("request body is not a JSON object");
        }
        body.remove("model");
        body.remove("stream");
        if (!body.hasNonNull("anthropic_version")) {
            body.put("anthropic_version", ANTHROPIC_VERSION);
        }
        Set<String> betas = new LinkedHashSet<>();
        if (body.get("anthropic_beta") instanceof ArrayNode existing) {
            existing.forEach(b -> betas.add(b.asText()));
        }
        for (String h : ctx.inboundHeaders().all("anthropic-beta")) {
            for (String b : h.split(",")) {
                if (!b.isBlank()) {
                    betas.add(b.trim());
                }
            }
        }
        if (!betas.isEmpty()) {
            ArrayNode a = body.putArray("anthropic_beta");
            betas.forEach(a::add);
        }
        return body;
    }

    @Override
    protected UpstreamRequest authorize(PrepareContext ctx, UpstreamRequest request) throws ChannelException {
        String accessKey = ctx.secretField("access_key_id");
        String secretKey = ctx.secretField("secret_access_key");
        if (accessKey != null || secretKey != null) {
            if (accessKey == null || secretKey == null) {
                throw new ChannelException("AWS credential needs access_key_id and secret_access_key");
            }
            SigV4Signer.sign(request.method(), request.uri(), request.headers(), request.body(),
                    new SigV4Signer.Credentials(accessKey, secretKey, ctx.secretField("session_token")),
                    region(ctx), SIGNING_SERVICE, ctx.now());
            return request;
        }
        String apiKey = ctx.secretField("api_key");
        if (apiKey == null) {
            throw new ChannelException("credential has neither api_key nor access_key_id/secret_access_key");
        }
        AuthStyle.BEARER.apply(request.headers(), apiKey);
        return request;
    }

    @Override
    public UpstreamStreamDecoder newStreamDecoder(OperationKey key, Headers responseHeaders) {
        return key.kind() == OperationKind.CLAUDE_MESSAGES ? new BedrockClaudeStreamDecoder() : null;
    }

    /** ConverseStream: each event as an SSE frame named by its {@code :event-type}, payload as data. */
    public static UpstreamStreamDecoder converseStreamDecoder() {
        return new UpstreamStreamDecoder() {
            private final EventStreamCodec codec = new EventStreamCodec();

            @Override
            public byte[] onBytes(byte[] buf, int off, int len) throws IOException {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                for (EventStreamMessage m : codec.feed(buf, off, len)) {
                    if ("event".equals(m.messageType())) {
                        out.writeBytes(SseFrame.named(m.eventType(), m.payloadText()).encode());
                    } else {
                        out.writeBytes(BedrockClaudeStreamDecoder.frame(m));
                    }
                }
                return out.toByteArray();
            }

            @Override
            public byte[] onEnd() throws IOException {
                codec.finish();
                return new byte[0];
            }
        };
    }

    @Override
    public byte[] shapeResponse(byte[] body, ShapeContext ctx) {
        if (body == null) {
            return null;
        }
        JsonNode n;
        try {
            n = Json.parse(body);
        } catch (IOException | RuntimeException e) {
            return body;
        }
        if (n == null || !n.isObject()) {
            return body;
        }
        if (ctx.status() < 200 || ctx.status() >= 300) {
            if (n.has("type") && "error".equals(n.path("type").asText())) {
                return body;
            }
            String message = n.path("message").asText(n.path("Message").asText("upstream error"));
            ObjectNode err = JsonNodeFactory.instance.objectNode();
            err.put("type", "error");
            err.putObject("error").put("type", claudeErrorType(ctx.status())).put("message", message);
            return Json.bytes(err);
        }
        Operation op = ctx.key().operation();
        if (op == Operation.LIST_MODELS && n.has("modelSummaries")) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            ArrayNode data = out.putArray("data");
            for (JsonNode m : n.get("modelSummaries")) {
                data.add(claudeModel(m));
            }
            out.put("has_more", false);
            if (!data.isEmpty()) {
                out.put("first_id", data.get(0).path("id").asText());
                out.put("last_id", data.get(data.size() - 1).path("id").asText());
            } else {
                out.putNull("first_id");
                out.putNull("last_id");
            }
            return Json.bytes(out);
        }
        if (op == Operation.GET_MODEL && n.has("modelDetails")) {
            return Json.bytes(claudeModel(n.get("modelDetails")));
        }
        if (op == Operation.COUNT_TOKENS && n.has("inputTokens")) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.put("input_tokens", n.get("inputTokens").asLong());
            return Json.bytes(out);
        }
        return body;
    }

    private static ObjectNode claudeModel(JsonNode summary) {
        ObjectNode m = JsonNodeFactory.instance.objectNode();
        String id = summary.path("modelId").asText();
        m.put("type", "model").put("id", id)
                .put("display_name", summary.path("modelName").asText(id))
                .put("created_at", "1970-01-01T00:00:00Z");
        return m;
    }

    static String claudeErrorType(int status) {
        return switch (status) {
            case 400, 413, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            default -> "api_error";
        };
    }
}
