package io.gproxy.admin;

import io.gproxy.config.ConfigSnapshot;
import io.gproxy.config.User;
import io.gproxy.store.AuditStore;

import java.time.Clock;

/**
 * Writes audit rows: method (or {@code login.success}/{@code login.fail}), path, status, actor, source IP; never a
 * body or query string. Rows expire with the instance's {@code retention_days}. A failed audit write does not undo
 * or fail the request it describes (the change is already made); it is reported on stderr for operators.
 */
final class AuditLog {
    private final AuditStore store;
    private final Clock clock;

    AuditLog(AuditStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    void record(ConfigSnapshot snapshot, User actor, String actorName, String action, String target, int status,
                String ip) {
        try {
            store.append(new AuditStore.Entry(clock.instant(), actor == null ? null : actor.id(),
                    actor != null ? actor.name() : actorName, action, target, status, ip),
                    SettingsEndpoints.retentionDays(snapshot.items()));
        } catch (RuntimeException e) {
            System.err.println("{\"level\":\"error\",\"msg\":\"audit write failed: " + e.getClass().getSimpleName() + "\"}");
        }
    }
}
