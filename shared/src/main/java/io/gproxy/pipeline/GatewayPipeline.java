package io.gproxy.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.channel.Channel;
import io.gproxy.channel.ChannelException;
import io.gproxy.channel.ChannelRegistry;
import io.gproxy.channel.PrepareContext;
import io.gproxy.channel.RoutingDecision;
import io.gproxy.channel.UpstreamRequest;
import io.gproxy.config.ConfigSnapshot;
import io.gproxy.config.Credential;
import io.gproxy.config.KeyIdentity;
import io.gproxy.config.Provider;
import io.gproxy.crypto.SecretCipher;
import io.gproxy.crypto.SecretSealingException;
import io.gproxy.http.Headers;
import io.gproxy.http.HttpRequest;
import io.gproxy.http.HttpResponse;
import io.gproxy.protocol.ClassifiedRequest;
import io.gproxy.protocol.Json;
import io.gproxy.protocol.Operation;
import io.gproxy.protocol.PathMatch;
import io.gproxy.protocol.RequestClassifier;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * The gateway request path for every client operation: authenticate, parse and classify, resolve the model,
 * then try targets and credentials in order until one answers (spec/core.md §7). This first cut serves
 * same-protocol passthrough and the gateway's own model listing; transforms, balancing, health, billing and rules
 * plug in at the marked points as their issues land.
 */
public final class GatewayPipeline {
    private final ChannelRegistry channels;
    private final SecretCipher cipher;
    private final UpstreamClient upstream;
    private final int maxAttempts;

    public GatewayPipeline(ChannelRegistry channels, SecretCipher cipher, UpstreamClient upstream, int maxAttempts) {
        this.channels = channels;
        this.cipher = cipher;
        this.upstream = upstream;
        this.maxAttempts = maxAttempts;
    }

    public HttpResponse handle(HttpRequest request, PathMatch match, ConfigSnapshot snapshot, RequestLog log)
            throws GatewayError {
        KeyIdentity identity = Authenticator.authenticate(request, snapshot);
        log.user(identity.user().id(), identity.key().id());

        ObjectNode body = match.operation().hasRequestBody() ? parseBody(request.body()) : null;
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
            RoutingDecision decision = provider.routing().decide(req.key());
            switch (decision.implementation()) {
                case PASSTHROUGH -> {
                }
                case TRANSFORM_TO -> {
                    lastError = new GatewayError(501, "conversion from " + req.key() + " to " + decision.destination()
                            + " is not available yet");
                    continue;
                }
                case LOCAL -> {
                    lastError = new GatewayError(501, "local implementation pending");
                    continue;
                }
                case UNSUPPORTED -> {
                    lastError = new GatewayError(501, "operation not supported by provider routing rules");
                    continue;
                }
            }
            Channel channel = channels.find(provider.channel()).orElse(null);
            if (channel == null) {
                lastError = new GatewayError(500, "provider " + provider.name() + " uses an unknown channel");
                continue;
            }
            byte[] upstreamBody = PassthroughBody.forUpstream(request.body(), body, req.key(), target.upstreamModel(), req.stream());
            for (Credential credential : snapshot.credentials(provider.id())) {
                anyCredential = true;
                if (attempts >= maxAttempts) {
                    break;
                }
                JsonNode secret;
                try {
                    secret = Json.parse(cipher.open(credential.sealedSecret(), credential.secretContext()).getBytes(StandardCharsets.UTF_8));
                } catch (SecretSealingException | IOException e) {
                    System.err.println("{\"level\":\"warn\",\"msg\":\"credential skipped: secret does not open\",\"credential_id\":"
                            + credential.id() + "}");
                    continue;
                }
                UpstreamRequest prepared;
                try {
                    prepared = channel.prepare(new PrepareContext(req.key(), req.stream(), target.upstreamModel(),
                            req.providerPath(), request.query(), request.headers(), upstreamBody, secret, provider.settings()));
                } catch (ChannelException e) {
                    System.err.println("{\"level\":\"warn\",\"msg\":\"credential skipped: " + e.getMessage()
                            + "\",\"credential_id\":" + credential.id() + "}");
                    lastError = GatewayError.upstreamFailed();
                    continue;
                }
                attempts++;
                long started = System.nanoTime();
                UpstreamResponse response;
                try {
                    response = upstream.send(prepared, req.stream());
                } catch (IOException e) {
                    log.attempt(provider.name(), credential.id(), target.upstreamModel(), 0, elapsedMillis(started));
                    lastError = GatewayError.upstreamFailed();
                    continue;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw GatewayError.upstreamFailed();
                }
                log.attempt(provider.name(), credential.id(), target.upstreamModel(), response.status(), elapsedMillis(started));
                if (response.status() >= 200 && response.status() < 300) {
                    return relaySuccess(req, response);
                }
                UpstreamAnswer answer = UpstreamAnswer.buffer(response);
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

    /** 401/402/403 (dead or unauthorised credential), 429 and 5xx move on to the next candidate (spec/core.md §3.2). */
    private static boolean retryable(int status) {
        return status == 401 || status == 402 || status == 403 || status == 429 || status >= 500;
    }

    private HttpResponse relaySuccess(ClassifiedRequest req, UpstreamResponse response) throws GatewayError {
        if (!req.stream()) {
            return UpstreamAnswer.buffer(response).toResponse();
        }
        Headers headers = ResponseHeaders.fromUpstream(response.headers(), true);
        if (!headers.contains("content-type")) {
            headers.set("content-type", "text/event-stream");
        }
        byte[] errorFrame = StreamErrorFrames.forClient(req.kind(), req.geminiSse());
        return HttpResponse.streaming(response.status(), headers, sink -> {
            try (InputStream in = response.body()) {
                byte[] buf = new byte[16 * 1024];
                int n;
                while (true) {
                    try {
                        n = in.read(buf);
                    } catch (IOException upstreamFailure) {
                        sink.write(errorFrame);
                        sink.flush();
                        return;
                    }
                    if (n < 0) {
                        break;
                    }
                    sink.write(buf, 0, n);
                    sink.flush(); // upstreams write one SSE event at a time: relay each as it arrives
                }
            }
        });
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

    private static long elapsedMillis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
