package io.gproxy.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.channel.Channel;
import io.gproxy.channel.ChannelException;
import io.gproxy.channel.ChannelRegistry;
import io.gproxy.channel.PrepareContext;
import io.gproxy.channel.UpstreamRequest;
import io.gproxy.config.ConfigSnapshot;
import io.gproxy.config.Credential;
import io.gproxy.config.KeyIdentity;
import io.gproxy.config.Provider;
import io.gproxy.crypto.SecretCipher;
import io.gproxy.crypto.SecretSealingException;
import io.gproxy.http.HttpRequest;
import io.gproxy.http.HttpResponse;
import io.gproxy.protocol.ClassifiedRequest;
import io.gproxy.protocol.Json;
import io.gproxy.protocol.Operation;
import io.gproxy.protocol.PathMatch;
import io.gproxy.protocol.RequestClassifier;
import io.gproxy.transform.CodecRegistry;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * The gateway request path for every client operation: authenticate, parse and classify, resolve the model,
 * then try targets and credentials in order until one answers (spec/core.md §7). Each target's routing rule picks
 * passthrough or conversion ({@link CallPlanner}); the answer goes back through {@link ResponseRelay}. Balancing,
 * health, billing and rules plug in here as their issues land.
 */
public final class GatewayPipeline {
    private final ChannelRegistry channels;
    private final SecretCipher cipher;
    private final UpstreamClient upstream;
    private final CallPlanner planner;
    private final int maxAttempts;
    private final long keepaliveMillis;

    /**
     * @param keepaliveMillis silence after which a stream gets a keepalive (0: never)
     */
    public GatewayPipeline(ChannelRegistry channels, CodecRegistry codecs, SecretCipher cipher, UpstreamClient upstream,
                           int maxAttempts, long keepaliveMillis) {
        this.channels = channels;
        this.planner = new CallPlanner(codecs);
        this.cipher = cipher;
        this.upstream = upstream;
        this.maxAttempts = maxAttempts;
        this.keepaliveMillis = keepaliveMillis;
    }

    public HttpResponse handle(HttpRequest request, PathMatch match, ConfigSnapshot snapshot, RequestLog log)
            throws GatewayError {
        KeyIdentity identity = Authenticator.authenticate(request, snapshot);
        log.user(identity.user().id(), identity.key().id());

        ObjectNode body = null;
        if (match.operation().hasRequestBody()) {
            requireJsonContentType(request.headers().firstOrNull("content-type"));
            body = parseBody(request.body());
        }
        ClassifiedRequest classified = RequestClassifier.classify(match, request.query(), body);
        log.operation(classified.operation().id(), classified.kind().id(), classified.stream());

        if (classified.operation() == Operation.LIST_MODELS) {
            return listModels(classified, snapshot);
        }
        if (classified.operation() == Operation.GET_MODEL && !match.scoped()) {
            return getModelAggregated(classified, snapshot);
        }
        Resolution resolution = ModelResolver.resolve(classified, snapshot);
        log.model(classified.model(), resolution.routeName());
        return execute(request, classified, body, resolution, snapshot, log);
    }

    private HttpResponse execute(HttpRequest request, ClassifiedRequest req, ObjectNode body, Resolution resolution,
                                 ConfigSnapshot snapshot, RequestLog log) throws GatewayError {
        GatewayError lastError = null;
        UpstreamAnswer lastAnswer = null;
        int attempts = 0;
        boolean anyCredential = false;
        for (Target target : resolution.targets()) {
            Provider provider = target.provider();
            Channel channel = channels.find(provider.channel()).orElse(null);
            if (channel == null) {
                lastError = new GatewayError(500, "provider " + provider.name() + " uses an unknown channel");
                continue;
            }
            UpstreamCall call;
            try {
                call = planner.plan(request, req, body, target, provider.routing().decide(req.key()));
            } catch (GatewayError notServedHere) {
                lastError = notServedHere;
                continue;
            }
            for (Credential credential : snapshot.credentials(provider.id())) {
                anyCredential = true;
                if (attempts >= maxAttempts) {
                    break;
                }
                JsonNode secret = openSecret(credential);
                if (secret == null) {
                    continue;
                }
                UpstreamRequest prepared;
                try {
                    prepared = channel.prepare(new PrepareContext(call.key(), req.stream(), target.upstreamModel(),
                            call.providerPath(), call.query(), request.headers(), call.body(), secret, provider.settings()));
                } catch (ChannelException e) {
                    System.err.println("{\"level\":\"warn\",\"msg\":\"credential skipped: " + e.getMessage()
                            + "\",\"credential_id\":" + credential.id() + "}");
                    lastError = GatewayError.upstreamFailed();
                    continue;
                }
                attempts++;
                log.upstreamStarted();
                UpstreamResponse response;
                try {
                    response = upstream.send(prepared, req.stream());
                } catch (IOException e) {
                    log.upstreamAnswered();
                    log.attempt(provider.name(), credential.id(), target.upstreamModel(), 0);
                    lastError = GatewayError.upstreamFailed();
                    continue;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw GatewayError.upstreamFailed();
                }
                log.attempt(provider.name(), credential.id(), target.upstreamModel(), response.status());
                if (response.status() >= 200 && response.status() < 300) {
                    HttpResponse relayed = ResponseRelay.success(req, call, response, keepaliveMillis, log);
                    log.upstreamAnswered(); // buffered answers were read to the end by now; streams at their headers
                    return relayed;
                }
                UpstreamAnswer answer = UpstreamAnswer.buffer(response);
                log.upstreamAnswered();
                if (!retryable(response.status())) {
                    return answer.toResponse();
                }
                lastAnswer = answer;
            }
        }
        if (lastAnswer != null) {
            return lastAnswer.toResponse(); // failover exhausted: the last answer as it stands
        }
        if (lastError != null) {
            throw lastError;
        }
        throw new GatewayError(503, anyCredential ? "upstream request failed" : "no available credentials");
    }

    /** The credential's secret, or null (logged) when it does not open: that credential is skipped. */
    private JsonNode openSecret(Credential credential) {
        try {
            return Json.parse(cipher.open(credential.sealedSecret(), credential.secretContext()).getBytes(StandardCharsets.UTF_8));
        } catch (SecretSealingException | IOException e) {
            System.err.println("{\"level\":\"warn\",\"msg\":\"credential skipped: secret does not open\",\"credential_id\":"
                    + credential.id() + "}");
            return null;
        }
    }

    /** 401/402/403 (dead or unauthorised credential), 429 and 5xx move on to the next candidate (spec/core.md §3.2). */
    private static boolean retryable(int status) {
        return status == 401 || status == 402 || status == 403 || status == 429 || status >= 500;
    }

    private HttpResponse listModels(ClassifiedRequest req, ConfigSnapshot snapshot) throws GatewayError {
        Map<String, String> models;
        if (req.scopedProvider() != null) {
            Provider p = snapshot.provider(req.scopedProvider()).filter(Provider::enabled)
                    .orElseThrow(() -> GatewayError.unknownProvider(req.scopedProvider()));
            models = ModelCatalog.scoped(snapshot, p);
        } else {
            models = ModelCatalog.aggregated(snapshot);
        }
        return HttpResponse.json(200, ModelCatalog.renderList(req.kind().family(), models).toString());
    }

    private HttpResponse getModelAggregated(ClassifiedRequest req, ConfigSnapshot snapshot) throws GatewayError {
        String name = ModelResolver.applyAliases(snapshot.globalAliases(), req.model());
        Map<String, String> models = ModelCatalog.aggregated(snapshot);
        boolean known = snapshot.route(name).isPresent() || models.containsKey(name);
        if (!known) {
            throw GatewayError.unknownRoute(req.model());
        }
        return HttpResponse.json(200, ModelCatalog.renderOne(req.kind().family(), req.model(), models.get(name)).toString());
    }

    /**
     * Bodies are JSON. A missing or JSON-ish content type (or text/plain, which some clients send for JSON) is
     * accepted; form posts and multipart uploads are refused with 415 rather than misread.
     */
    static void requireJsonContentType(String contentType) throws GatewayError {
        if (contentType == null) {
            return;
        }
        String ct = contentType.toLowerCase(java.util.Locale.ROOT);
        if (!ct.contains("json") && !ct.startsWith("text/plain")) {
            throw new GatewayError(415, "unsupported content type " + ct.split(";")[0].trim() + ": send application/json");
        }
    }

    /** Strict parse of a JSON request body; anything else is a 400 that names the problem. */
    static ObjectNode parseBody(byte[] bytes) throws GatewayError {
        if (bytes.length == 0) {
            throw GatewayError.badRequest("request body is empty; expected a JSON object");
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            throw GatewayError.badRequest("request body is not valid UTF-8");
        }
        JsonNode node;
        try {
            node = Json.parse(bytes);
        } catch (JsonProcessingException e) {
            throw GatewayError.badRequest("malformed JSON body: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw GatewayError.badRequest("malformed JSON body");
        }
        if (node == null || !node.isObject()) {
            throw GatewayError.badRequest("request body must be a JSON object");
        }
        return (ObjectNode) node;
    }
}
