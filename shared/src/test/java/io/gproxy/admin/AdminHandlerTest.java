package io.gproxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.gproxy.app.BundleImporter;
import io.gproxy.channel.CatalogRefresher;
import io.gproxy.channel.ChannelHttp;
import io.gproxy.channel.ChannelRegistry;
import io.gproxy.config.ConfigCache;
import io.gproxy.crypto.MasterKeyCipher;
import io.gproxy.crypto.SecretCipher;
import io.gproxy.http.Headers;
import io.gproxy.http.HttpRequest;
import io.gproxy.http.HttpResponse;
import io.gproxy.pipeline.GatewayError;
import io.gproxy.protocol.Json;
import io.gproxy.store.ConfigConflictException;
import io.gproxy.store.ConfigItem;
import io.gproxy.store.ConfigState;
import io.gproxy.store.ConfigStore;
import io.gproxy.store.LoginThrottleStore;
import io.gproxy.store.StoreUnavailableException;
import io.gproxy.store.memory.EmptyUsageReader;
import io.gproxy.store.memory.MemoryAuditStore;
import io.gproxy.store.memory.MemoryConfigStore;
import io.gproxy.store.memory.MemoryLoginThrottleStore;
import io.gproxy.store.memory.MemorySessionStore;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin handler on in-memory stores with a controllable clock: sliding session expiry, the throttle window,
 * failing closed when the throttle store is down, and retries when another writer moves the config version.
 */
class AdminHandlerTest {
    private static final SecretCipher CIPHER = MasterKeyCipher.fromBase64(MasterKeyCipher.generateKeyBase64());
    private static final String BUNDLE = """
            {"orgs":[{"id":1,"name":"o"}],
             "users":[{"id":1,"name":"root","org_id":1,"is_admin":true,"password":"root-pw"},
                      {"id":2,"name":"bob","org_id":1,"password":"bob-pw"}]}""";

    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    private final MutableClock clock = new MutableClock();

    private record Setup(AdminHandler handler, ConfigCache cache, MemoryAuditStore audit) {}

    private Setup setup(ConfigStore store, LoginThrottleStore throttle) throws Exception {
        BundleImporter importer = new BundleImporter(store, CIPHER, ChannelRegistry.builtIn());
        importer.importBundle(BUNDLE.getBytes(StandardCharsets.UTF_8));
        ConfigCache cache = new ConfigCache(store, Duration.ofSeconds(5), clock);
        MemoryAuditStore audit = new MemoryAuditStore();
        AdminHandler h = new AdminHandler(new AdminHandler.Services("test", store, cache, CIPHER, ChannelRegistry.builtIn(),
                importer, new CatalogRefresher(ChannelHttp.jdk(java.net.http.HttpClient.newHttpClient()), Duration.ofSeconds(1), clock),
                new MemorySessionStore(), throttle, audit, new EmptyUsageReader(), clock, false,
                new io.gproxy.channel.login.LoginFlowService(ChannelRegistry.builtIn(),
                        new io.gproxy.store.memory.MemoryLoginStateStore(), CIPHER,
                        ChannelHttp.jdk(java.net.http.HttpClient.newHttpClient()), clock, new java.security.SecureRandom(),
                        Duration.ofSeconds(1)),
                new io.gproxy.store.memory.MemoryHealthStore(), new io.gproxy.channel.pool.SharedCredentialHealth(
                        io.gproxy.channel.pool.CredentialHealth.BreakerConfig.defaults(),
                        new io.gproxy.store.memory.MemoryHealthStore()), new io.gproxy.store.memory.MemoryCaptureStore()));
        return new Setup(h, cache, audit);
    }

    private static HttpResponse call(Setup s, String method, String path, String body, String... headers) throws GatewayError {
        HttpRequest r = new HttpRequest(method, path, null, Headers.of(headers),
                body == null ? null : body.getBytes(StandardCharsets.UTF_8), "127.0.0.1");
        try {
            return s.handler().handle(r, s.cache().current());
        } catch (GatewayError e) {
            return io.gproxy.pipeline.ErrorResponses.of(e);
        }
    }

    private static String login(Setup s, String user, String pw) throws GatewayError {
        HttpResponse r = call(s, "POST", "/admin/login", "{\"username\":\"" + user + "\",\"password\":\"" + pw + "\"}");
        assertEquals(200, r.status(), new String(r.body(), StandardCharsets.UTF_8));
        String cookie = r.headers().firstOrNull("set-cookie");
        return cookie.substring("gproxy_session=".length(), cookie.indexOf(';'));
    }

    @Test
    void sessionsSlideAndExpireAfterTwelveIdleHours() throws Exception {
        Setup s = setup(new MemoryConfigStore(), new MemoryLoginThrottleStore());
        String token = login(s, "root", "root-pw");
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofHours(11));
            assertEquals(200, call(s, "GET", "/admin/me", null, "cookie", "gproxy_session=" + token).status(),
                    "used every 11 h, the session lives on (33 h in total)");
        }
        clock.advance(Duration.ofHours(12).plusSeconds(1));
        assertEquals(401, call(s, "GET", "/admin/me", null, "cookie", "gproxy_session=" + token).status());
    }

    @Test
    void throttleWindowClosesAfterSixtySeconds() throws Exception {
        Setup s = setup(new MemoryConfigStore(), new MemoryLoginThrottleStore());
        for (int i = 0; i < 5; i++) {
            assertEquals(401, call(s, "POST", "/admin/login", "{\"username\":\"bob\",\"password\":\"x\"}").status());
            clock.advance(Duration.ofSeconds(5));
        }
        HttpResponse locked = call(s, "POST", "/admin/login", "{\"username\":\"bob\",\"password\":\"bob-pw\"}");
        assertEquals(429, locked.status());
        assertEquals("36", locked.headers().firstOrNull("retry-after"), "window opened 25 s ago: 35 s left, rounded up");
        clock.advance(Duration.ofSeconds(36));
        assertEquals(200, call(s, "POST", "/admin/login", "{\"username\":\"bob\",\"password\":\"bob-pw\"}").status());
        assertTrue(s.audit().all().stream().anyMatch(e -> e.action().equals("login.throttled")));
    }

    @Test
    void loginFailsClosedWhenTheThrottleStoreIsDown() throws Exception {
        LoginThrottleStore down = new LoginThrottleStore() {
            @Override
            public java.util.Optional<Window> window(String subject, Instant now, Duration window) {
                throw new StoreUnavailableException("down", null);
            }

            @Override
            public void recordFailure(String subject, Instant now, Duration window) {
                throw new StoreUnavailableException("down", null);
            }

            @Override
            public void clear(String subject) {
                throw new StoreUnavailableException("down", null);
            }
        };
        Setup s = setup(new MemoryConfigStore(), down);
        // the handler never answers a login it could not throttle; the gateway handler turns this into 503
        assertThrows(StoreUnavailableException.class, () -> s.handler().handle(new HttpRequest("POST", "/admin/login", null,
                new Headers(), "{\"username\":\"root\",\"password\":\"root-pw\"}".getBytes(StandardCharsets.UTF_8),
                "127.0.0.1"), s.cache().current()));
    }

    @Test
    void aConcurrentWriterIsRetriedThenReportedAs409() throws Exception {
        AtomicInteger conflicts = new AtomicInteger(1);
        MemoryConfigStore inner = new MemoryConfigStore();
        ConfigStore racing = new ConfigStore() {
            @Override
            public long version() {
                return inner.version();
            }

            @Override
            public ConfigState load() {
                return inner.load();
            }

            @Override
            public void write(List<ConfigItem> puts, List<ConfigKey> deletes) {
                inner.write(puts, deletes);
            }

            @Override
            public void write(List<ConfigItem> puts, List<ConfigKey> deletes, long expectedVersion) {
                if (conflicts.getAndDecrement() > 0) {
                    inner.write(List.of(), List.of()); // someone else bumped the version meanwhile
                    throw new ConfigConflictException("moved");
                }
                inner.write(puts, deletes, expectedVersion);
            }
        };
        Setup s = setup(racing, new MemoryLoginThrottleStore());
        HttpResponse created = call(s, "POST", "/admin/orgs", "{\"name\":\"second\"}", "cookie",
                "gproxy_session=" + login(s, "root", "root-pw"));
        assertEquals(201, created.status(), new String(created.body(), StandardCharsets.UTF_8));
        JsonNode org = Json.MAPPER.readTree(created.body());
        assertEquals("second", org.path("name").asText());

        conflicts.set(100);
        HttpResponse gaveUp = call(s, "POST", "/admin/orgs", "{\"name\":\"third\"}", "cookie",
                "gproxy_session=" + login(s, "root", "root-pw"));
        assertEquals(409, gaveUp.status());
    }

    @Test
    void anotherContainersWriteIsSeenByTheNextAdminRequest() throws Exception {
        MemoryConfigStore store = new MemoryConfigStore();
        Setup s = setup(store, new MemoryLoginThrottleStore());
        String token = login(s, "root", "root-pw");
        s.cache().current();
        // another container disables root and adds an org; this container's refresh interval has not passed
        BundleImporter other = new BundleImporter(store, CIPHER, ChannelRegistry.builtIn());
        other.importBundle("{\"orgs\":[{\"id\":2,\"name\":\"elsewhere\"}]}".getBytes(StandardCharsets.UTF_8));
        String bob = login(s, "bob", "bob-pw");
        other.importBundle("{\"users\":[{\"id\":2,\"name\":\"bob\",\"org_id\":1,\"enabled\":false}]}"
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse orgs = call(s, "GET", "/admin/orgs", null, "cookie", "gproxy_session=" + token);
        assertTrue(new String(orgs.body(), StandardCharsets.UTF_8).contains("elsewhere"));
        assertEquals(401, call(s, "GET", "/user/me", null, "cookie", "gproxy_session=" + bob).status());
    }

    @Test
    void writesAreAuditedWithoutBodies() throws Exception {
        Setup s = setup(new MemoryConfigStore(), new MemoryLoginThrottleStore());
        String token = login(s, "root", "root-pw");
        call(s, "POST", "/admin/orgs", "{\"name\":\"body-marker\"}", "cookie", "gproxy_session=" + token);
        call(s, "GET", "/admin/orgs", null, "cookie", "gproxy_session=" + token);
        var entries = s.audit().all();
        assertTrue(entries.stream().anyMatch(e -> e.action().equals("POST") && e.target().equals("/admin/orgs")
                && e.status() == 201 && e.actorId() == 1L && "127.0.0.1".equals(e.sourceIp())));
        assertTrue(entries.stream().noneMatch(e -> e.action().equals("GET")), "reads are not audited");
        assertTrue(entries.stream().noneMatch(e -> e.toString().contains("body-marker")));
    }
}
