package io.gproxy.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.channel.pool.SharedCredentialHealth;
import io.gproxy.http.HttpResponse;
import io.gproxy.pipeline.GatewayError;
import io.gproxy.store.CaptureStore;
import io.gproxy.store.EntityType;
import io.gproxy.store.HealthStore;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Credential health (shared cooldowns and open breakers, spec/core.md §13.3) and captured request logs (§13.5), from
 * the pipeline's stores. A reset clears the credential in every container within one config poll.
 */
final class HealthAndLogEndpoints {
    private final HealthStore health;
    private final SharedCredentialHealth healthState;
    private final CaptureStore captures;
    private final Clock clock;

    HealthAndLogEndpoints(HealthStore health, SharedCredentialHealth healthState, CaptureStore captures, Clock clock) {
        this.health = health;
        this.healthState = healthState;
        this.captures = captures;
        this.clock = clock;
    }

    void register(AdminRoutes routes) {
        routes.add("GET", "/admin/credential-statuses", Access.ADMIN, c -> Replies.ok(Replies.items(
                statuses(TimeRange.optionalId(c, "credential_id")))));
        routes.add("GET", "/admin/credentials/{id}/status", Access.ADMIN, c -> {
            long id = existing(c);
            return Replies.ok(Replies.items(statuses(id)));
        });
        routes.add("DELETE", "/admin/credentials/{id}/status", Access.ADMIN, c -> {
            long id = existing(c);
            healthState.reset(id, clock.instant());
            return Replies.noContent();
        });
        routes.add("GET", "/admin/logs", Access.ADMIN, this::logs);
        routes.add("GET", "/admin/logs/{id}", Access.ADMIN, c -> Replies.ok(view(captures.get(c.params().get("id"))
                .orElseThrow(() -> new GatewayError(404, "no captured log for request " + c.params().get("id"))), true)));
    }

    private static long existing(AdminCall c) throws GatewayError {
        return CrudEngine.requireExists(c.snapshot(), EntityType.CREDENTIAL, Long.toString(c.id("id"))).numericId();
    }

    private List<ObjectNode> statuses(Long credentialId) {
        return health.list(clock.instant()).stream()
                .filter(e -> e.kind() != HealthStore.Kind.RESET)
                .filter(e -> credentialId == null || e.credentialId() == credentialId)
                .map(e -> {
                    ObjectNode n = Replies.object().put("credential_id", e.credentialId());
                    if (e.model() != null) {
                        n.put("model", e.model());
                    } else {
                        n.putNull("model");
                    }
                    n.put("state", e.kind() == HealthStore.Kind.BREAKER ? "breaker_open" : "cooldown")
                            .put("until", e.until().toString()).put("reason", e.reason())
                            .put("observed_at", e.observedAt().toString());
                    if (e.kind() == HealthStore.Kind.BREAKER) {
                        n.put("open_ms", e.openMillis());
                    }
                    return n;
                }).toList();
    }

    private HttpResponse logs(AdminCall c) throws GatewayError {
        TimeRange range = TimeRange.of(c, clock, Duration.ofDays(1));
        List<ObjectNode> items = captures.range(range.from(), range.to(), TimeRange.limit(c)).stream()
                .map(x -> view(x, false)).toList();
        return Replies.ok(Replies.items(items));
    }

    /** A capture as the console shows it; {@code full} adds headers and bodies (already redacted and bounded). */
    private static ObjectNode view(CaptureStore.Capture c, boolean full) {
        ObjectNode n = Replies.object().put("request_id", c.requestId()).put("at", c.at().toString());
        CaptureStore.Downstream d = c.downstream();
        if (d != null) {
            n.put("method", d.method()).put("path", d.path()).put("status", d.status()).put("latency_ms", d.latencyMs());
        }
        n.put("attempts", c.upstream().size());
        if (!c.upstream().isEmpty()) {
            CaptureStore.Upstream last = c.upstream().get(c.upstream().size() - 1);
            n.put("provider", last.provider()).put("model", last.model()).put("disposition", last.disposition());
            if (d == null) {
                n.put("status", last.status());
            }
        }
        if (full) {
            if (d != null) {
                ObjectNode down = n.putObject("downstream").put("method", d.method()).put("path", d.path())
                        .put("query", d.query()).put("status", d.status()).put("latency_ms", d.latencyMs());
                down.put("request_headers", d.requestHeaders()).put("request_body", d.requestBody())
                        .put("response_body", d.responseBody());
            }
            ArrayNode up = n.putArray("upstream");
            for (CaptureStore.Upstream u : c.upstream()) {
                up.addObject().put("attempt", u.attempt()).put("at", u.at().toString()).put("provider_id", u.providerId())
                        .put("provider", u.provider()).put("credential_id", u.credentialId()).put("model", u.model())
                        .put("method", u.method()).put("url", u.url()).put("status", u.status())
                        .put("latency_ms", u.latencyMs()).put("disposition", u.disposition()).put("reason", u.reason())
                        .put("request_headers", u.requestHeaders()).put("request_body", u.requestBody())
                        .put("response_body", u.responseBody());
            }
        }
        return n;
    }
}
