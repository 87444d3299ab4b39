package io.gproxy.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.app.BundleExporter;
import io.gproxy.pipeline.GatewayError;
import io.gproxy.store.AuditStore;

import java.time.Clock;
import java.time.Duration;

/**
 * Usage, rollups, the audit log and the export (request logs and credential health: {@link HealthAndLogEndpoints}).
 */
final class ObservabilityEndpoints {
    private final UsageViews usage;
    private final AuditStore audit;
    private final ConfigWriter writer;
    private final BundleExporter exporter;
    private final Clock clock;

    ObservabilityEndpoints(UsageViews usage, AuditStore audit, ConfigWriter writer, BundleExporter exporter, Clock clock) {
        this.usage = usage;
        this.audit = audit;
        this.writer = writer;
        this.exporter = exporter;
        this.clock = clock;
    }

    void register(AdminRoutes routes) {
        routes.add("GET", "/admin/usage", Access.ADMIN, c -> Replies.ok(usage.list(c, null)));
        routes.add("GET", "/admin/usage-summary", Access.ADMIN, c -> Replies.ok(usage.summary(c, null)));
        routes.add("GET", "/admin/usage-rollups", Access.ADMIN, c -> Replies.ok(usage.rollups(c, null)));
        routes.add("GET", "/admin/audit", Access.ADMIN, this::audit);
        routes.add("GET", "/admin/export", Access.ADMIN, c -> Replies.ok(
                exporter.export(writer.read(), c.query("secrets").map("true"::equals).orElse(false))));
    }

    private io.gproxy.http.HttpResponse audit(AdminCall c) throws GatewayError {
        TimeRange range = TimeRange.of(c, clock, Duration.ofDays(30));
        AuditStore.Page page;
        try {
            page = audit.query(range.from(), range.to(), TimeRange.optionalId(c, "actor_id"), TimeRange.limit(c),
                    c.query("cursor").orElse(null));
        } catch (IllegalArgumentException e) {
            throw GatewayError.badRequest("cursor: not a cursor from this endpoint");
        }
        ObjectNode body = Replies.items(page.items().stream().map(e -> {
            ObjectNode n = Replies.object().put("at", e.at().toString());
            if (e.actorId() != null) {
                n.put("actor_id", e.actorId());
            } else {
                n.putNull("actor_id");
            }
            n.put("actor_name", e.actorName()).put("action", e.action()).put("target", e.target())
                    .put("status", e.status()).put("source_ip", e.sourceIp());
            return n;
        }).toList());
        body.put("next_cursor", page.nextCursor());
        return Replies.ok(body);
    }
}
