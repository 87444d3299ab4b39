package io.gproxy.store.dynamodb;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.store.AuditStore;
import io.gproxy.store.ConfigConflictException;
import io.gproxy.store.ConfigItem;
import io.gproxy.store.EntityType;
import io.gproxy.store.LoginThrottleStore;
import io.gproxy.store.SessionStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin work's DynamoDB items on DynamoDB Local: conditional config writes, sessions, login windows, audit paging. */
class DynamoAdminStoresTest {
    private static DynamoDbLocal local;
    private static final String TABLE = "admin-stores";

    @BeforeAll
    static void start() throws Exception {
        local = DynamoDbLocal.start();
        DynamoTable.ensure(local.client(), TABLE);
    }

    @AfterAll
    static void stop() throws Exception {
        local.close();
    }

    @Test
    void conditionalConfigWriteRefusesAMovedVersion() {
        DynamoConfigStore store = new DynamoConfigStore(local.client(), "cfg-conditional");
        DynamoTable.ensure(local.client(), "cfg-conditional");
        store.write(List.of(org(1, "a")), List.of(), 0);
        assertEquals(1, store.version());
        assertThrows(ConfigConflictException.class, () -> store.write(List.of(org(2, "b")), List.of(), 0));
        assertEquals(1, store.load().items().size(), "nothing written by the refused write");
        store.write(List.of(org(2, "b")), List.of(), 1);
        assertEquals(2, store.version());
        assertEquals(2, store.load().items().size());
    }

    @Test
    void sessionsExpireAndTouchExtends() {
        SessionStore s = new DynamoSessionStore(local.client(), TABLE);
        Instant now = Instant.parse("2026-03-01T00:00:00Z");
        s.create("d1", 7, now.plusSeconds(60));
        assertEquals(7, s.find("d1", now).orElseThrow().userId());
        assertTrue(s.find("d1", now.plusSeconds(61)).isEmpty(), "expired though not yet removed by TTL");
        s.touch("d1", now.plusSeconds(600));
        assertTrue(s.find("d1", now.plusSeconds(61)).isPresent());
        s.delete("d1");
        assertTrue(s.find("d1", now).isEmpty());
        s.touch("d1", now.plusSeconds(600));
        assertTrue(s.find("d1", now).isEmpty(), "touch does not resurrect a deleted session");
    }

    @Test
    void loginWindowsCountAndReset() {
        LoginThrottleStore t = new DynamoLoginThrottleStore(local.client(), TABLE);
        Instant now = Instant.parse("2026-03-01T00:00:00Z");
        Duration w = Duration.ofSeconds(60);
        for (int i = 0; i < 5; i++) {
            t.recordFailure("user:x", now.plusSeconds(i), w);
        }
        LoginThrottleStore.Window win = t.window("user:x", now.plusSeconds(10), w).orElseThrow();
        assertEquals(5, win.failures());
        assertEquals(now, win.since());
        assertTrue(t.window("user:x", now.plusSeconds(60), w).isEmpty());
        t.recordFailure("user:x", now.plusSeconds(61), w);
        assertEquals(1, t.window("user:x", now.plusSeconds(62), w).orElseThrow().failures(), "a new window");
        t.clear("user:x");
        assertTrue(t.window("user:x", now.plusSeconds(62), w).isEmpty());
    }

    @Test
    void auditPagesNewestFirstAcrossDays() {
        AuditStore a = new DynamoAuditStore(local.client(), TABLE);
        Instant base = Instant.parse("2026-02-10T12:00:00Z");
        for (int i = 0; i < 9; i++) {
            a.append(new AuditStore.Entry(base.minus(Duration.ofHours(10L * i)), (long) (i % 2), "u" + (i % 2), "POST",
                    "/admin/x/" + i, 200, "1.2.3.4"), 30);
        }
        List<String> targets = new ArrayList<>();
        String cursor = null;
        do {
            AuditStore.Page p = a.query(base.minus(Duration.ofDays(10)), base.plusSeconds(1), null, 4, cursor);
            p.items().forEach(e -> targets.add(e.target()));
            cursor = p.nextCursor();
        } while (cursor != null);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            expected.add("/admin/x/" + i);
        }
        assertEquals(expected, targets);
        AuditStore.Page odd = a.query(base.minus(Duration.ofDays(10)), base.plusSeconds(1), 1L, 100, null);
        assertEquals(4, odd.items().size());
        assertNull(odd.nextCursor());
        assertThrows(IllegalArgumentException.class, () -> a.query(base.minusSeconds(60), base, null, 5, "bm90LWEtY3Vyc29y"));
    }

    private static ConfigItem org(long id, String name) {
        ObjectNode d = JsonNodeFactory.instance.objectNode().put("id", id).put("name", name).put("enabled", true);
        return new ConfigItem(EntityType.ORG, Long.toString(id), d);
    }
}
