package io.gproxy.channel;



import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.crypto.MasterKeyCipher;
import io.gproxy.crypto.SecretCipher;
import io.gproxy.crypto.SecretContext;
import io.gproxy.protocol.Json;
import io.gproxy.store.ConfigItem;
import io.gproxy.store.ConfigStore;
import io.gproxy.store.EntityType;
import io.gproxy.store.dynamodb.DynamoConfigStore;
import io.gproxy.store.dynamodb.DynamoDbLocal;
import io.gproxy.store.dynamodb.DynamoCredentialSecretStore;
import io.gproxy.store.dynamodb.DynamoLeaseStore;
import io.gproxy.store.dynamodb.DynamoTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;




import software.amazon.awssdk.services.dynamodb.DynamoDbClient;



import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Refresh single-flight (spec/core.md §11) against DynamoDB Local in-process: several {@link CredentialRefresher}
 * instances stand for concurrent Lambda containers sharing one table; a loopback token endpoint counts calls.
 */
class CredentialRefresherDynamoTest {
    private static final AtomicInteger TABLES = new AtomicInteger();
    private static DynamoDbLocal dynamo;
    private static DynamoDbClient ddb;

    private final SecretCipher cipher = new MasterKeyCipher(new byte[32]);
    private final ClaudeCodeChannel channel = new ClaudeCodeChannel();
    private String table;
    private DynamoConfigStore config;

    @BeforeAll
    static void startDynamoDbLocal() throws Exception {
        dynamo = DynamoDbLocal.start();
        ddb = dynamo.client();
    }

    @AfterAll
    static void stopDynamoDbLocal() throws Exception {
        if (dynamo != null) {
            dynamo.close();
        }
    }

    @BeforeEach
    void freshTable() {
        table = "refresh-test-" + TABLES.incrementAndGet();
        DynamoTable.ensure(ddb, table);
        config = new DynamoConfigStore(ddb, table);
    }

    private String seal(long id, JsonNode secret) {
        return cipher.seal(secret.toString(), SecretContext.of("credential", id));
    }

    private JsonNode open(long id, String sealed) throws Exception {
        return Json.parse(cipher.open(sealed, SecretContext.of("credential", id)).getBytes(StandardCharsets.UTF_8));
    }

    /** Writes the credential row the way the importer does and returns its sealed secret. */
    private String putCredential(long id, ObjectNode secret, boolean enabled) {
        String sealed = seal(id, secret);
        ObjectNode doc = Json.MAPPER.createObjectNode().put("id", id).put("provider_id", 1).put("name", "cc")
                .put("kind", "oauth").put("secret_sealed", sealed).put("weight", 100).put("enabled", enabled);
        config.write(List.of(new ConfigItem(EntityType.CREDENTIAL, Long.toString(id), doc)), List.of());
        return sealed;
    }

    private static ObjectNode expiredSecret() {
        return Json.MAPPER.createObjectNode().put("access_token", "old-access").put("refresh_token", "rt-1")
                .put("expires_at_ms", Instant.now().minusSeconds(5).toEpochMilli())
                .put("device_id", "dev-1").put("account_uuid", "acc-1");
    }

    private CredentialRefresher container(CredentialRefresher.Listener listener) {
        return new CredentialRefresher(new DynamoCredentialSecretStore(ddb, table), new DynamoLeaseStore(ddb, table),
                cipher, ChannelHttp.jdk(LoopbackUpstream.CLIENT), Clock.systemUTC(),
                new CredentialRefresher.Options(Duration.ofSeconds(10), Duration.ofMillis(20), Duration.ofSeconds(20)),
                listener);
    }

    private static ObjectNode settings(LoopbackUpstream tokens) {
        return Json.MAPPER.createObjectNode().put("oauth_token_url", tokens.baseUrl() + "/v1/oauth/token");
    }

    @Test
    void twentyConcurrentRequestsAcrossContainersMakeOneTokenCall() throws Exception {
        long id = 7;
        ObjectNode old = expiredSecret();
        String sealed = putCredential(id, old, true);
        long versionBefore = config.version();
        AtomicInteger calls = new AtomicInteger();
        try (LoopbackUpstream tokens = new LoopbackUpstream()) {
            tokens.respond(r -> {
                calls.incrementAndGet();
                try {
                    Thread.sleep(300); // keep the refresh in flight while the others arrive
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return LoopbackUpstream.Answer.json(200, "{\"access_token\":\"new-access\",\"refresh_token\":\"rt-2\","
                        + "\"expires_in\":28800,\"scope\":\"user:inference user:profile\",\"token_type\":\"Bearer\"}");
            });
            List<CredentialRefresher> containers = List.of(container(null), container(null), container(null),
                    container(null));
            ExecutorService pool = Executors.newFixedThreadPool(20);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<CredentialRefresher.Fresh>> results = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                CredentialRefresher c = containers.get(i % containers.size());
                results.add(pool.submit(() -> {
                    start.await();
                    return c.ensureFresh(channel, id, sealed, old, settings(tokens), false);
                }));
            }
            start.countDown();
            List<JsonNode> secrets = new ArrayList<>();
            for (Future<CredentialRefresher.Fresh> f : results) {
                secrets.add(f.get().secret());
            }
            pool.shutdown();

            assertEquals(1, calls.get(), "exactly one call to the token endpoint");
            for (JsonNode s : secrets) {
                assertEquals("new-access", s.path("access_token").asText());
                assertEquals("rt-2", s.path("refresh_token").asText());
            }
            // the request the endpoint saw: a refresh_token grant with the CLI's client id
            String form = new String(tokens.last().body(), StandardCharsets.UTF_8);
            assertEquals("grant_type=refresh_token&refresh_token=rt-1&client_id=" + ClaudeCodeChannel.CLIENT_ID, form);
            assertEquals("application/x-www-form-urlencoded", tokens.last().headers().firstOrNull("content-type"));
        }
        // stored: the rotated secret, sealed, other fields kept; nothing else bumped
        String stored = new DynamoCredentialSecretStore(ddb, table).read(id).orElseThrow().sealedSecret();
        assertNotEquals(sealed, stored);
        JsonNode s = open(id, stored);
        assertEquals("new-access", s.path("access_token").asText());
        assertEquals("rt-2", s.path("refresh_token").asText());
        assertEquals("dev-1", s.path("device_id").asText());
        assertEquals("acc-1", s.path("account_uuid").asText());
        assertEquals(Json.MAPPER.createArrayNode().add("user:inference").add("user:profile"), s.path("scopes"));
        assertTrue(s.path("expires_at_ms").asLong() > Instant.now().plusSeconds(28000).toEpochMilli());
        assertEquals(versionBefore, config.version(), "refresh does not bump the config version");
        assertFalse(ddb.getItem(b -> b.tableName(table).key(Map.of("pk",
                software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("LEASE#credential-refresh:7"),
                "sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("LEASE")))).hasItem(),
                "the lease is released");
    }

    @Test
    void aLaterCallInTheSameContainerUsesTheRefreshedSecretWithoutStoreAccess() throws Exception {
        long id = 8;
        ObjectNode old = expiredSecret();
        String sealed = putCredential(id, old, true);
        try (LoopbackUpstream tokens = new LoopbackUpstream()) {
            tokens.respond(r -> LoopbackUpstream.Answer.json(200, "{\"access_token\":\"a2\",\"expires_in\":3600}"));
            CredentialRefresher c = container(null);
            CredentialRefresher.Fresh first = c.ensureFresh(channel, id, sealed, old, settings(tokens), false);
            assertTrue(first.refreshedHere());
            assertEquals("rt-1", first.secret().path("refresh_token").asText(), "no new refresh token: the old one stays");
            // the snapshot still hands out the old sealed value; the container's copy wins, no second call
            CredentialRefresher.Fresh again = c.ensureFresh(channel, id, sealed, old, settings(tokens), false);
            assertEquals("a2", again.secret().path("access_token").asText());
            assertEquals(1, tokens.requests.size());
            // a second container finds the peer's result in the row
            CredentialRefresher.Fresh peer = container(null).ensureFresh(channel, id, sealed, old, settings(tokens), false);
            assertFalse(peer.refreshedHere());
            assertEquals("a2", peer.secret().path("access_token").asText());
            assertEquals(1, tokens.requests.size());
        }
    }

    @Test
    void failedRefreshIsAClearErrorWithACooldownAndLeavesTheRowAlone() throws Exception {
        long id = 9;
        ObjectNode old = expiredSecret();
        String sealed = putCredential(id, old, true);
        List<CredentialRefreshException> reported = new CopyOnWriteArrayList<>();
        CredentialRefresher.Listener listener = new CredentialRefresher.Listener() {
            @Override
            public void refreshFailed(long credentialId, CredentialRefreshException failure) {
                reported.add(failure);
            }
        };
        try (LoopbackUpstream tokens = new LoopbackUpstream()) {
            tokens.respond(r -> LoopbackUpstream.Answer.json(400,
                    "{\"error\":\"invalid_grant\",\"error_description\":\"Refresh token revoked\"}"));
            CredentialRefresher c = container(listener);
            CredentialRefreshException e = assertThrows(CredentialRefreshException.class,
                    () -> c.ensureFresh(channel, id, sealed, old, settings(tokens), false));
            assertEquals("refresh of credential 9 failed: token endpoint answered 400 invalid_grant: Refresh token revoked",
                    e.getMessage());
            assertTrue(e.credentialDead());
            assertEquals(Duration.ofSeconds(600), e.cooldown());
            assertEquals(List.of(e), reported);
            assertEquals(sealed, new DynamoCredentialSecretStore(ddb, table).read(id).orElseThrow().sealedSecret());

            // transient failure: 503 -> not dead, 30 s cooldown; the lease was released, so this one runs at once
            tokens.respond(r -> LoopbackUpstream.Answer.json(503, "{}"));
            CredentialRefreshException t = assertThrows(CredentialRefreshException.class,
                    () -> c.ensureFresh(channel, id, sealed, old, settings(tokens), false));
            assertFalse(t.credentialDead());
            assertEquals(Duration.ofSeconds(30), t.cooldown());
            assertEquals(2, tokens.requests.size());
        }
    }

    @Test
    void aLeaseLeftByADeadContainerIsTakenOverAfterItExpires() throws Exception {
        long id = 10;
        ObjectNode old = expiredSecret();
        String sealed = putCredential(id, old, true);
        DynamoLeaseStore leases = new DynamoLeaseStore(ddb, table);
        assertTrue(leases.tryAcquire(CredentialRefresher.leaseName(id), "crashed", Duration.ofMillis(400), Instant.now()));
        try (LoopbackUpstream tokens = new LoopbackUpstream()) {
            tokens.respond(r -> LoopbackUpstream.Answer.json(200, "{\"access_token\":\"a3\",\"expires_in\":3600}"));
            long t0 = System.nanoTime();
            CredentialRefresher.Fresh f = container(null).ensureFresh(channel, id, sealed, old, settings(tokens), false);
            assertEquals("a3", f.secret().path("access_token").asText());
            assertTrue(System.nanoTime() - t0 >= Duration.ofMillis(300).toNanos(), "waited for the expiry");
            assertEquals(1, tokens.requests.size());
        }
    }

    @Test
    void leaseItemAndCompareAndSwapSemantics() {
        DynamoLeaseStore leases = new DynamoLeaseStore(ddb, table);
        Instant t = Instant.now();
        assertTrue(leases.tryAcquire("x", "a", Duration.ofSeconds(30), t));
        assertFalse(leases.tryAcquire("x", "b", Duration.ofSeconds(30), t), "held by a");
        assertTrue(leases.tryAcquire("x", "a", Duration.ofSeconds(30), t), "re-entrant for its owner");
        assertFalse(leases.renew("x", "b", Duration.ofSeconds(30), t));
        leases.release("x", "b"); // not b's: ignored
        assertFalse(leases.tryAcquire("x", "b", Duration.ofSeconds(30), t));
        assertTrue(leases.tryAcquire("x", "b", Duration.ofSeconds(30), t.plusSeconds(31)), "expired: free");
        assertFalse(leases.renew("x", "a", Duration.ofSeconds(30), t), "a lost it");
        leases.release("x", "b");
        assertTrue(leases.tryAcquire("x", "c", Duration.ofSeconds(30), t));

        long id = 20;
        String sealed = putCredential(id, expiredSecret(), true);
        DynamoCredentialSecretStore secrets = new DynamoCredentialSecretStore(ddb, table);
        assertFalse(secrets.compareAndSwap(id, "not-what-is-stored", "new"));
        // another field edited since the secret was read (an admin rename): the swap applies and keeps the rename
        ObjectNode renamed = Json.MAPPER.createObjectNode().put("id", id).put("provider_id", 1).put("name", "renamed")
                .put("kind", "oauth").put("secret_sealed", sealed).put("weight", 100).put("enabled", true);
        config.write(List.of(new ConfigItem(EntityType.CREDENTIAL, Long.toString(id), renamed)), List.of());
        assertTrue(secrets.compareAndSwap(id, sealed, "sealed-2"));
        assertEquals("sealed-2", secrets.read(id).orElseThrow().sealedSecret());
        ObjectNode doc = (ObjectNode) config.load().items().stream()
                .filter(i -> i.type() == EntityType.CREDENTIAL && i.id().equals("20")).findFirst().orElseThrow().doc();
        assertEquals("renamed", doc.path("name").asText());
        assertFalse(secrets.compareAndSwap(id, sealed, "sealed-3"), "the secret moved on");
        assertFalse(secrets.compareAndSwap(404, "a", "b"), "no row, no write");
        assertTrue(secrets.read(404).isEmpty());
    }

    @Test
    void aSlowRefreshKeepsItsLeaseAlive() throws Exception {
        long id = 14;
        ObjectNode old = expiredSecret();
        String sealed = putCredential(id, old, true);
        AtomicInteger calls = new AtomicInteger();
        try (LoopbackUpstream tokens = new LoopbackUpstream()) {
            tokens.respond(r -> {
                calls.incrementAndGet();
                try {
                    Thread.sleep(1200); // three lease lifetimes
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return LoopbackUpstream.Answer.json(200, "{\"access_token\":\"slow\",\"expires_in\":3600}");
            });
            CredentialRefresher.Options shortLease = new CredentialRefresher.Options(Duration.ofMillis(400),
                    Duration.ofMillis(20), Duration.ofSeconds(20));
            List<CredentialRefresher> two = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                two.add(new CredentialRefresher(new DynamoCredentialSecretStore(ddb, table), new DynamoLeaseStore(ddb, table),
                        cipher, ChannelHttp.jdk(LoopbackUpstream.CLIENT), Clock.systemUTC(), shortLease, null));
            }
            ExecutorService pool = Executors.newFixedThreadPool(2);
            Future<CredentialRefresher.Fresh> a = pool.submit(() -> two.get(0).ensureFresh(channel, id, sealed, old,
                    settings(tokens), false));
            Thread.sleep(100);
            Future<CredentialRefresher.Fresh> b = pool.submit(() -> two.get(1).ensureFresh(channel, id, sealed, old,
                    settings(tokens), false));
            assertEquals("slow", a.get().secret().path("access_token").asText());
            assertEquals("slow", b.get().secret().path("access_token").asText());
            pool.shutdown();
            assertEquals(1, calls.get(), "the heartbeat kept the second container waiting");
        }
    }

    @Test
    void aCredentialDeletedOrDisabledMeanwhileIsNeverResurrected() throws Exception {
        long id = 11;
        ObjectNode old = expiredSecret();
        String sealed = putCredential(id, old, true);
        try (LoopbackUpstream tokens = new LoopbackUpstream()) {
            tokens.respond(r -> {
                config.write(List.of(), List.of(new ConfigStore.ConfigKey(EntityType.CREDENTIAL, Long.toString(id))));
                return LoopbackUpstream.Answer.json(200, "{\"access_token\":\"a4\",\"expires_in\":3600}");
            });
            CredentialRefreshException e = assertThrows(CredentialRefreshException.class,
                    () -> container(null).ensureFresh(channel, id, sealed, old, settings(tokens), false));
            assertTrue(e.getMessage().contains("no longer exists"), e.getMessage());
        }
        assertTrue(new DynamoCredentialSecretStore(ddb, table).read(id).isEmpty());

        long disabled = 12;
        String sealed2 = putCredential(disabled, old, false);
        CredentialRefreshException e = assertThrows(CredentialRefreshException.class,
                () -> container(null).ensureFresh(channel, disabled, sealed2, old, null, false));
        assertTrue(e.getMessage().contains("disabled"), e.getMessage());
    }

    @Test
    void forcedRefreshAfterAuthDeadRotatesAFreshLookingSecretOnce() throws Exception {
        long id = 13;
        ObjectNode current = expiredSecret().put("expires_at_ms", Instant.now().plusSeconds(7200).toEpochMilli());
        String sealed = putCredential(id, current, true);
        try (LoopbackUpstream tokens = new LoopbackUpstream()) {
            tokens.respond(r -> LoopbackUpstream.Answer.json(200, "{\"access_token\":\"forced\",\"expires_in\":3600}"));
            CredentialRefresher c = container(null);
            assertEquals("old-access", c.ensureFresh(channel, id, sealed, current, settings(tokens), false)
                    .secret().path("access_token").asText(), "not stale: used as is");
            assertEquals(0, tokens.requests.size());
            CredentialRefresher.Fresh forced = c.ensureFresh(channel, id, sealed, current, settings(tokens), true);
            assertEquals("forced", forced.secret().path("access_token").asText());
            // a second container forced with the same (now replaced) secret takes the peer's result
            CredentialRefresher.Fresh peer = container(null).ensureFresh(channel, id, sealed, current, settings(tokens), true);
            assertEquals("forced", peer.secret().path("access_token").asText());
            assertEquals(1, tokens.requests.size());
        }
    }
}
