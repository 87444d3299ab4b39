package io.gproxy.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.billing.Admission;
import io.gproxy.billing.Billing;
import io.gproxy.channel.Channel;
import io.gproxy.channel.ChannelException;
import io.gproxy.channel.OutboundProxy;
import io.gproxy.channel.ChannelRegistry;
import io.gproxy.channel.CredentialRefreshException;
import io.gproxy.channel.CredentialRefresher;
import io.gproxy.channel.DecodedStream;
import io.gproxy.channel.Disposition;
import io.gproxy.channel.ShapeContext;
import io.gproxy.channel.UpstreamStreamDecoder;
import io.gproxy.channel.pool.AffinityStore;
import io.gproxy.channel.pool.CredentialHealth;
import io.gproxy.channel.pool.CredentialPool;
import io.gproxy.channel.pool.RotationCounters;
import io.gproxy.http.Headers;
import io.gproxy.channel.Implementation;
import io.gproxy.channel.PrepareContext;
import io.gproxy.channel.RoutingDecision;
import io.gproxy.channel.UpstreamRequest;
import io.gproxy.config.ConfigSnapshot;
import io.gproxy.config.Credential;
import io.gproxy.config.KeyIdentity;
import io.gproxy.config.Provider;
import io.gproxy.config.Route;
import io.gproxy.crypto.SecretCipher;
import io.gproxy.crypto.SecretSealingException;
import io.gproxy.http.HttpRequest;
import io.gproxy.http.HttpResponse;
import io.gproxy.protocol.ClassifiedRequest;
import io.gproxy.protocol.Json;
import io.gproxy.protocol.Operation;
import io.gproxy.protocol.PathMatch;
import io.gproxy.protocol.RequestClassifier;
import io.gproxy.rules.ProviderRule;
import io.gproxy.rules.RuleEngine;
import io.gproxy.transform.CodecRegistry;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The gateway request path for every client operation: authenticate, parse and classify, resolve the model,
 * then try targets and credentials in order until one answers (spec/core.md §7). Each target's routing rule picks
 * passthrough or conversion ({@link CallPlanner}); the answer goes back through {@link ResponseRelay}. Per attempt the
 * channel SPI is called in its documented order ({@link Channel}): pool order and health, refresh, shapeRequest,
 * prepare, classify (failover, forced refresh + one replay on AuthDead, health), shapeResponse or the stream decoder.
 */
public final class GatewayPipeline {
    /** Bound on the wait for a stream's first event while keepalives flow (see {@link #streamStartWaitMillis}). */
    static final long FIRST_EVENT_WAIT_MS = 60_000;

    private final ChannelRegistry channels;
    private final SecretCipher cipher;
    private final UpstreamClient upstream;
    private final CallPlanner planner;
    private final int maxAttempts;
    private final long keepaliveMillis;
    private final BillingGate billing;
    private final CredentialRefresher refresher; // null: no refresh (memory stores, unit tests)
    private final CredentialHealth health; // shared through the table when wired so (issue 5), else per container
    private final Clock clock;
    private final RouteBalancer balancer = new RouteBalancer();
    private final RotationCounters rotation = RotationCounters.local();
    private final AffinityStore affinity = AffinityStore.local();

    /**
     * @param keepaliveMillis silence after which a stream gets a keepalive (0: never)
     */
    public GatewayPipeline(ChannelRegistry channels, CodecRegistry codecs, SecretCipher cipher, UpstreamClient upstream,
                           int maxAttempts, long keepaliveMillis, Billing billing) {
        this(channels, codecs, cipher, upstream, maxAttempts, keepaliveMillis, billing, null);
    }

    /**
     * @param refresher single-flight refresh of OAuth-style credentials before use and after an AuthDead answer;
     *                  null when the store has none (in-memory stores): secrets are then used as they are
     */
    public GatewayPipeline(ChannelRegistry channels, CodecRegistry codecs, SecretCipher cipher, UpstreamClient upstream,
                           int maxAttempts, long keepaliveMillis, Billing billing, CredentialRefresher refresher) {
        this(channels, codecs, cipher, upstream, maxAttempts, keepaliveMillis, billing, refresher,
                CredentialHealth.local(), Clock.systemUTC());
    }

    /**
     * @param health credential health: {@code SharedCredentialHealth} on a table (cooldowns and open breakers seen by
     *               every container), or per-container state
     * @param clock  the time health, pins and capture go by (tests move it instead of sleeping)
     */
    public GatewayPipeline(ChannelRegistry channels, CodecRegistry codecs, SecretCipher cipher, UpstreamClient upstream,
                           int maxAttempts, long keepaliveMillis, Billing billing, CredentialRefresher refresher,
                           CredentialHealth health, Clock clock) {
        this.health = health;
        this.clock = clock;
        this.refresher = refresher;
        this.channels = channels;
        this.billing = new BillingGate(billing, codecs);
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
            requireJsonContentType(request.headers().firstOrNull("content-type"), request.body());
            body = parseBody(request.body());
        }
        ClassifiedRequest classified = RequestClassifier.classify(match, request.query(), body);
        log.operation(classified.operation().id(), classified.kind().id(), classified.stream());

        if (classified.operation() == Operation.LIST_MODELS) {
            return listModels(classified, snapshot, billing.listingPermits(snapshot, identity));
        }
        if (classified.operation() == Operation.GET_MODEL && !match.scoped()) {
            return getModelAggregated(classified, snapshot, billing.listingPermits(snapshot, identity));
        }
        Resolution resolution = ModelResolver.resolve(classified, snapshot);
        log.model(classified.model(), resolution.routeName());
        // billing (issue 6): permissions, rate limits and the budget reservation, before any upstream call
        Admission admission = billing.admit(request, classified, body, identity, resolution, snapshot, log);
        ObjectNode parsed = body;
        Supplier<HttpResponse> answer = () -> answer(request, classified, parsed, resolution, snapshot, log, admission,
                identity.key().id());
        if (classified.stream() && keepaliveMillis > 0) {
            // a stream the upstreams are slow to start gets started with keepalives after one interval
            return SlowStart.serve(answer, keepaliveMillis, classified, log);
        }
        return answer.get();
    }

    /** The admitted request's response, settled or released when it completes; gateway errors become responses. */
    private HttpResponse answer(HttpRequest request, ClassifiedRequest classified, ObjectNode body,
                                Resolution resolution, ConfigSnapshot snapshot, RequestLog log, Admission admission,
                                long userKeyId) {
        HttpResponse response;
        try {
            response = execute(request, classified, body, resolution, snapshot, log, admission, userKeyId);
        } catch (GatewayError e) {
            return billing.failed(admission, e, log);
        } catch (RuntimeException e) {
            admission.releaseNow();
            throw e;
        }
        return billing.finish(admission, response, classified, log);
    }

    private HttpResponse execute(HttpRequest request, ClassifiedRequest req, ObjectNode body, Resolution resolution,
                                 ConfigSnapshot snapshot, RequestLog log, Admission admission, long userKeyId)
            throws GatewayError {
        GatewayError lastError = null;
        UpstreamAnswer lastAnswer = null;
        int attempts = 0;
        boolean anyCredential = false;
        Route route = resolution.routeName() == null ? null : snapshot.route(resolution.routeName()).orElse(null);
        String affinityKey = RouteBalancer.affinityKey(route, userKeyId,
                request.headers().firstOrNull(RouteBalancer.SESSION_HEADER));
        List<Target> targets = route == null ? resolution.targets()
                : balancer.order(route, resolution.targets(), affinityKey, clock.instant());
        for (Target target : targets) {
            Provider provider = target.provider();
            Channel channel = channels.find(provider.channel()).orElse(null);
            if (channel == null) {
                lastError = new GatewayError(500, "provider " + provider.name() + " uses an unknown channel");
                continue;
            }
            RoutingDecision decision = provider.routing().decide(req.key());
            if (decision.implementation() == Implementation.LOCAL) {
                try {
                    return planner.local(req, body, target, snapshot); // no upstream, no credential
                } catch (GatewayError notServedHere) {
                    lastError = notServedHere;
                    continue;
                }
            }
            UpstreamCall call;
            try {
                call = planner.plan(request, req, body, target, decision);
            } catch (GatewayError notServedHere) {
                lastError = notServedHere;
                continue;
            }
            String model = target.upstreamModel();
            // provider rule sets (spec/core.md §7.1) on the provider-native body, once per target, before shapeRequest
            List<ProviderRule> rules = snapshot.rules(provider.id());
            ProviderRule.Match ruleMatch = new ProviderRule.Match(model,
                    resolution.requested(), call.key(), request.headers());
            RuleEngine.Applied ruled = RuleEngine.request(rules, ruleMatch,
                    call.key().kind(), call.body(), request.headers());
            List<ProviderRule> responseRules = RuleEngine.responseRules(rules, ruleMatch);
            credentials:
            for (Credential credential : orderCredentials(provider, model, snapshot, userKeyId)) {
                anyCredential = true;
                if (attempts >= maxAttempts) {
                    break;
                }
                if (!admission.credentialAvailable(credential.id())) {
                    continue; // billing: the credential's rpm/tpm budget is exhausted (not an attempt)
                }
                JsonNode secret = openSecret(credential);
                if (secret == null) {
                    continue;
                }
                boolean refreshable = refresher != null && !"api_key".equals(credential.kind());
                String sealed = credential.sealedSecret();
                OutboundProxy proxy;
                try {
                    proxy = upstream.proxyFor(snapshot, credential);
                } catch (ChannelException e) {
                    logSkipped(credential, e);
                    lastError = GatewayError.upstreamFailed();
                    continue;
                }
                if (refreshable) {
                    CredentialRefresher.Fresh fresh = refresh(channel, credential, sealed, secret, provider, false, proxy);
                    if (fresh == null) {
                        lastError = GatewayError.upstreamFailed();
                        continue;
                    }
                    secret = fresh.secret();
                    sealed = fresh.sealed();
                }
                boolean replayed = false; // one replay after a forced refresh, not counted as an attempt
                while (true) {
                    UpstreamRequest prepared;
                    try {
                        // field hygiene on the provider-native body, then the channel builds the request (Channel's order)
                        byte[] shaped = ruled.body() == null ? null : channel.shapeRequest(ruled.body(), ShapeContext.request(
                                call.key(), call.stream(), target.upstreamModel(), ruled.headers(), provider.settings(), secret));
                        prepared = channel.prepare(new PrepareContext(call.key(), call.stream(), target.upstreamModel(),
                                call.providerPath(), call.query(), ruled.headers(), shaped, secret, provider.settings()));
                    } catch (ChannelException e) {
                        logSkipped(credential, e);
                        lastError = GatewayError.upstreamFailed();
                        continue credentials;
                    }
                    if (!replayed) {
                        if (!health.beginAttempt(credential.id(), model, clock.instant())) {
                            continue credentials; // its half-open probe was taken meanwhile
                        }
                        attempts++;
                    }
                    RequestCapture.Attempt captured = log.capture().begin(provider, credential.id(), model, prepared,
                            clock.instant());
                    long sentAt = System.nanoTime();
                    log.upstreamStarted();
                    UpstreamResponse response;
                    try {
                        response = upstream.send(prepared, call.stream(), proxy);
                    } catch (IOException e) {
                        log.upstreamAnswered();
                        log.attempt(provider.name(), credential.id(), target.upstreamModel(), 0);
                        RequestCapture.failed(captured, millisSince(sentAt), "transport_error",
                                "no answer: " + e.getClass().getSimpleName());
                        health.record(channel, credential.id(), model, Disposition.TRANSIENT, clock.instant());
                        lastError = GatewayError.upstreamFailed();
                        continue credentials;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw GatewayError.upstreamFailed();
                    }
                    log.attempt(provider.name(), credential.id(), target.upstreamModel(), response.status());
                    boolean ok = response.status() >= 200 && response.status() < 300;
                    UpstreamAnswer answer = null;
                    Disposition disposition;
                    long deadline = upstream.answerDeadline(sentAt); // bodies read whole are complete by then
                    try {
                        if (!ok) {
                            // only non-2xx bodies are read before classifying; what they quote of our credential is cut
                            answer = UpstreamAnswer.buffer(response, deadline).redact(secret);
                            log.upstreamAnswered();
                        }
                        disposition = channel.classify(response.status(), response.headers(),
                                answer == null ? null : answer.body());
                        if (ok && !disposition.failover()) {
                            response = adapt(channel, call, target, response, responseRules, !req.stream(), deadline);
                        } else if (answer == null) { // a 2xx the channel refused (e.g. an error envelope): read it for relaying
                            answer = UpstreamAnswer.buffer(response, deadline).redact(secret);
                            log.upstreamAnswered();
                        }
                    } catch (IOException e) {
                        // the headers came but the body broke or stalled past the deadline (BoundedBody closed the
                        // connection): nothing reached the client yet, so it fails over like a transport error
                        log.upstreamAnswered();
                        RequestCapture.failed(captured, millisSince(sentAt), "transport_error", "status "
                                + response.status() + ", body not read: " + (e instanceof BoundedBody.TimedOut ? "timed out"
                                : e instanceof BoundedBody.TooLarge ? "too large" : e.getClass().getSimpleName()));
                        health.record(channel, credential.id(), model, Disposition.TRANSIENT, clock.instant());
                        lastError = GatewayError.upstreamFailed();
                        continue credentials;
                    }
                    if (ok && !disposition.failover()) {
                        if (call.stream() && call.ops() == null) {
                            // nothing has reached the client yet: an error as the stream's first event, or a stream
                            // that breaks before it, fails over like a non-2xx would (spec/peers.md C #11)
                            StreamStart.Outcome start = StreamStart.inspect(response.body(), sseUpstream(call, response),
                                    streamStartWaitMillis());
                            if (start.failure() != null) {
                                log.upstreamAnswered();
                                RequestCapture.end(captured, response.status(), millisSince(sentAt), start.failure(),
                                        start.reason(), start.errorBody());
                                health.record(channel, credential.id(), model, start.failure(), clock.instant());
                                lastAnswer = new UpstreamAnswer(start.status(), jsonHeaders(), start.errorBody());
                                continue credentials;
                            }
                            response = new UpstreamResponse(response.status(), response.headers(), start.body());
                        }
                        health.record(channel, credential.id(), model, disposition, clock.instant());
                        RequestCapture.end(captured, response.status(), millisSince(sentAt), disposition, null, null);
                        response = new UpstreamResponse(response.status(), response.headers(),
                                log.capture().tee(captured, response.body()));
                        admission.served(provider.id(), provider.name(), credential.id(), target.upstreamModel(),
                                call.key().kind().family()); // billing: who served it, for the settlement
                        HttpResponse relayed = ResponseRelay.success(req, call, response, keepaliveMillis, log);
                        log.upstreamAnswered(); // buffered answers were read to the end by now; streams at their headers
                        balancer.served(affinityKey, target, clock.instant());
                        return relayed;
                    }
                    boolean replayNext = disposition instanceof Disposition.AuthDead && refreshable && !replayed;
                    if (!replayNext) {
                        health.record(channel, credential.id(), model, disposition, clock.instant());
                    }
                    RequestCapture.end(captured, answer.status(), millisSince(sentAt), disposition,
                            replayNext ? "refreshing the credential and replaying once" : "upstream answered " + answer.status(),
                            answer.body());
                    answer = new UpstreamAnswer(answer.status(), answer.headers(), channel.shapeResponse(answer.body(),
                            ShapeContext.response(call.key(), call.stream(), target.upstreamModel(), answer.status(),
                                    provider.settings()))); // unwrap envelopes, normalise errors into the family's shape
                    if (!disposition.failover()) {
                        return answer.toResponse(); // Permanent: relayed as it stands
                    }
                    lastAnswer = answer; // AuthDead, RateLimited, Transient: next candidate
                    if (replayNext) {
                        CredentialRefresher.Fresh fresh = refresh(channel, credential, sealed, secret, provider, true, proxy);
                        if (fresh != null) {
                            secret = fresh.secret();
                            sealed = fresh.sealed();
                            replayed = true;
                            continue; // replay once with the refreshed secret
                        }
                        health.record(channel, credential.id(), model, disposition, clock.instant()); // still dead
                    }
                    continue credentials;
                }
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

    /**
     * A successful answer as the relay expects it: a streamed body that is not SSE of the target protocol (Bedrock
     * event-stream, the Code-Assist envelope) decoded through the channel's {@link UpstreamStreamDecoder}; a buffered
     * body read and passed through {@link Channel#shapeResponse}. Every body read whole here (a buffered answer, or
     * a stream a non-stream client gets folded into one answer) must be complete by {@code deadline}.
     *
     * @throws IOException the body broke or did not arrive in time: a failed attempt, nothing was relayed
     */
    private static UpstreamResponse adapt(Channel channel, UpstreamCall call, Target target, UpstreamResponse response,
                                          List<ProviderRule> responseRules, boolean bufferedClient, long deadline)
            throws IOException {
        if (call.stream()) {
            UpstreamStreamDecoder decoder = channel.newStreamDecoder(call.key(), response.headers());
            if (decoder != null) {
                Headers headers = response.headers().copy();
                headers.set("content-type", decoder.contentType());
                headers.remove("content-length");
                response = new UpstreamResponse(response.status(), headers, new DecodedStream(response.body(), decoder));
            }
            String ct = response.headers().firstOrNull("content-type");
            if (!responseRules.isEmpty() && ct != null && ct.contains("event-stream")) {
                Headers headers = response.headers().copy();
                headers.remove("content-length");
                response = new UpstreamResponse(response.status(), headers, new RuleFrameStream(response.body(), responseRules));
            }
            if (bufferedClient) {
                // folded into one answer anyway (ResponseRelay.aggregateStream): read whole now, while a stall or a
                // break can still fail over
                response = new UpstreamResponse(response.status(), response.headers(),
                        new ByteArrayInputStream(BoundedBody.readAll(response.body(), deadline)));
            }
            return response;
        }
        byte[] body = BoundedBody.readAll(response.body(), deadline);
        byte[] shaped = channel.shapeResponse(body, ShapeContext.response(call.key(), false, target.upstreamModel(),
                response.status(), target.provider().settings()));
        byte[] out = shaped == null ? body : shaped;
        if (!responseRules.isEmpty()) {
            out = RuleEngine.response(responseRules, new String(out, StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8);
        }
        Headers headers = response.headers();
        if (out.length != body.length) {
            headers = headers.copy();
            headers.remove("content-length");
        }
        return new UpstreamResponse(response.status(), headers, new ByteArrayInputStream(out));
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static Headers jsonHeaders() {
        return Headers.of("content-type", "application/json");
    }

    /** Whether the upstream stream is SSE (a Gemini stream without {@code alt=sse} is a JSON array). */
    private static boolean sseUpstream(UpstreamCall call, UpstreamResponse response) {
        if (call.key().kind() != io.gproxy.protocol.OperationKind.GEMINI_GENERATE_CONTENT) {
            return true;
        }
        String ct = response.headers().firstOrNull("content-type");
        return ct != null ? ct.contains("event-stream") : call.query() != null
                && call.query().first("alt").map("sse"::equals).orElse(false);
    }

    /**
     * How long a stream's first event is awaited before relaying without the check. Errors that come as a first
     * event mostly come at once, but a model may think for a while and then fail (overloaded, rate limited). With
     * keepalives on, the client's stream is kept alive by {@link SlowStart} during this wait, so it can be long; a
     * model still silent after it gets its response started and the relay's keepalives take over. Without
     * keepalives nothing keeps idle timeouts in front of the function at bay, so the check stays short.
     */
    private long streamStartWaitMillis() {
        return keepaliveMillis > 0 ? FIRST_EVENT_WAIT_MS : 5_000;
    }

    /**
     * The provider's credentials in the order to try them (spec/core.md §8.2): those health admits for this model
     * (no cooldown, breaker not open), rotated by weight ({@code round_robin}) or led by the user key's pin
     * ({@code sticky}, re-pinned to the front credential).
     */
    private List<Credential> orderCredentials(Provider provider, String model, ConfigSnapshot snapshot, long userKeyId) {
        Instant now = clock.instant();
        boolean sticky = CredentialPool.STICKY.equals(provider.credentialStrategy());
        String pinKey = AffinityStore.key(provider.id(), userKeyId);
        Long pinned = sticky ? affinity.pinned(pinKey, now).orElse(null) : null;
        CredentialPool.Ordering ordering = CredentialPool.order(snapshot.credentials(provider.id()),
                provider.credentialStrategy(), rotation.next(provider.id()), pinned,
                c -> health.available(c.id(), model, now));
        if (ordering.pin() != null) {
            affinity.pin(pinKey, ordering.pin(), now);
        }
        return ordering.ordered();
    }

    /**
     * The credential's secret after a single-flight refresh when it is stale ({@code force}: after an AuthDead
     * answer), or null when the refresh failed: the credential is skipped, logged without any secret.
     */
    private CredentialRefresher.Fresh refresh(Channel channel, Credential credential, String sealed, JsonNode secret,
                                              Provider provider, boolean force, OutboundProxy proxy) {
        try {
            // the token endpoint is reached through the credential's own proxy, like its requests (spec/core.md §11)
            return refresher.ensureFresh(channel, credential.id(), sealed, secret, provider.settings(), force,
                    upstream.sideCalls(proxy));
        } catch (CredentialRefreshException e) {
            health.coolDown(credential.id(), null, clock.instant().plus(e.cooldown())); // credential-wide
            System.err.println("{\"level\":\"warn\",\"msg\":\"credential skipped: refresh failed\",\"credential_id\":"
                    + credential.id() + ",\"provider\":" + Json.MAPPER.valueToTree(provider.name())
                    + ",\"forced\":" + force + ",\"credential_dead\":" + e.credentialDead()
                    + ",\"cooldown_s\":" + e.cooldown().toSeconds() + "}");
            return null;
        }
    }

    /** A credential the channel cannot use for this request (bad proxy setting, missing secret field): skipped. */
    private static void logSkipped(Credential credential, ChannelException e) {
        System.err.println("{\"level\":\"warn\",\"msg\":\"credential skipped: " + e.getMessage()
                + "\",\"credential_id\":" + credential.id() + "}");
    }

    /** The credential's secret, or null (logged) when it does not open: that credential is skipped. */
    private JsonNode openSecret(Credential credential) {
        try {
            return Json.parse(cipher.open(credential.sealedSecret(), credential.secretContext()).getBytes(StandardCharsets.UTF_8));
        } catch (SecretSealingException | IOException e) {
            // The cipher's messages name the entity and the KMS error (throttled, unavailable, refused, tampered) and
            // never secret material; a JSON parser's message could quote the opened secret, so it gets a fixed reason.
            String reason = e instanceof SecretSealingException ? e.getMessage() : "the opened secret is not JSON";
            System.err.println("{\"level\":\"warn\",\"msg\":\"credential skipped: secret does not open\",\"credential_id\":"
                    + credential.id() + ",\"reason\":" + Json.MAPPER.valueToTree(reason) + "}");
            return null;
        }
    }

    private HttpResponse listModels(ClassifiedRequest req, ConfigSnapshot snapshot, ListingPermits permits)
            throws GatewayError {
        Map<String, String> models;
        if (req.scopedProvider() != null) {
            Provider p = snapshot.provider(req.scopedProvider()).filter(Provider::enabled)
                    .orElseThrow(() -> GatewayError.unknownProvider(req.scopedProvider()));
            if (!permits.providerListing(p.name())) {
                throw new GatewayError(403, "forbidden");
            }
            models = new java.util.TreeMap<>();
            ModelCatalog.scoped(snapshot, p).forEach((id, name) -> {
                if (permits.providerModel(p.name() + "/" + id)) {
                    models.put(id, name);
                }
            });
        } else {
            models = permits.aggregated(snapshot, ModelCatalog.aggregated(snapshot));
        }
        return HttpResponse.json(200, ModelCatalog.renderList(req.kind().family(), models).toString());
    }

    private HttpResponse getModelAggregated(ClassifiedRequest req, ConfigSnapshot snapshot, ListingPermits permits)
            throws GatewayError {
        String name = ModelResolver.applyAliases(snapshot.globalAliases(), req.model());
        Map<String, String> models = permits.aggregated(snapshot, ModelCatalog.aggregated(snapshot));
        boolean known = snapshot.route(name).isPresent() ? permits.route(name) : models.containsKey(name);
        if (!known) {
            throw GatewayError.unknownRoute(req.model());
        }
        return HttpResponse.json(200, ModelCatalog.renderOne(req.kind().family(), req.model(), models.get(name)).toString());
    }

    /**
     * Bodies are JSON. A missing or JSON-ish content type (or text/plain, which some clients send for JSON, or a
     * "form post" whose body is a JSON object, which is what {@code curl -d} sends) is accepted; real form posts,
     * multipart uploads and other types are refused with 415 rather than misread.
     */
    static void requireJsonContentType(String contentType, byte[] body) throws GatewayError {
        if (contentType == null) {
            return;
        }
        String ct = contentType.toLowerCase(java.util.Locale.ROOT);
        // curl -d without -H sends JSON labelled as a form post: take it when the body is plainly a JSON object
        boolean curlJson = ct.startsWith("application/x-www-form-urlencoded") && body.length > 0 && body[0] == '{';
        if (!ct.contains("json") && !ct.startsWith("text/plain") && !curlJson) {
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
            // the parser's own words, minus the Java types it sometimes names ("bound as `com.fasterxml...`")
            String problem = e.getOriginalMessage().replaceAll("\\s*\\(bound as `[^`]*`\\)", "")
                    .replaceAll("`(java|javax|com|org|io)\\.[^`]*`", "value");
            throw GatewayError.badRequest("malformed JSON body: " + problem);
        } catch (IOException e) {
            throw GatewayError.badRequest("malformed JSON body");
        }
        if (node == null || !node.isObject()) {
            throw GatewayError.badRequest("request body must be a JSON object");
        }
        return (ObjectNode) node;
    }
}
