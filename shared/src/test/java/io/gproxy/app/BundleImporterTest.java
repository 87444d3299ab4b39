package io.gproxy.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.channel.Channel;
import io.gproxy.channel.ChannelRegistry;
import io.gproxy.channel.RoutingDecision;
import io.gproxy.config.ConfigSnapshot;
import io.gproxy.config.Credential;
import io.gproxy.config.Provider;
import io.gproxy.crypto.KeyDigests;
import io.gproxy.crypto.MasterKeyCipher;
import io.gproxy.crypto.SecretContext;
import io.gproxy.protocol.Operation;
import io.gproxy.protocol.OperationKey;
import io.gproxy.protocol.OperationKind;
import io.gproxy.store.ConfigItem;
import io.gproxy.store.ConfigState;
import io.gproxy.store.EntityType;
import io.gproxy.store.memory.MemoryConfigStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Importing the reference export format (examples/bundle.json, copied byte-for-byte into test resources): what gets
 * stored (ids, sealed secrets, digested keys, seeded routing rules), idempotent re-import, warnings for unknown input,
 * and all-or-nothing rejection of malformed bundles with messages that locate the problem.
 */
class BundleImporterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN_KEY = "sk-example-admin-key-0000000000000000000000";
    private static final String ALICE_KEY = "sk-example-alice-key-0000000000000000000000";
    private static final List<String> PLAINTEXT_SECRETS = List.of("sk-upstream-openai", "sk-ant-upstream", "AIza-upstream",
            "hunter2"); // the password of a refused proxy URL

    private final ChannelRegistry channels = ChannelRegistry.builtIn();
    private final MasterKeyCipher cipher = MasterKeyCipher.fromBase64(MasterKeyCipher.generateKeyBase64());
    private MemoryConfigStore store;
    private BundleImporter importer;

    @BeforeEach
    void setUp() {
        store = new MemoryConfigStore();
        importer = new BundleImporter(store, cipher, channels);
    }

    static byte[] exampleBytes() throws IOException {
        try (InputStream in = BundleImporterTest.class.getResourceAsStream("/bundles/example-bundle.json")) {
            assertNotNull(in, "test resource bundles/example-bundle.json");
            return in.readAllBytes();
        }
    }

    static ObjectNode example() throws IOException {
        return (ObjectNode) JSON.readTree(exampleBytes());
    }

    // ---- a good import: counts, ids, sealed secrets, digested keys --------------------------------------------------

    @Test
    void importsEveryEntityWithItsId() throws Exception {
        ImportReport report = importer.importBundle(exampleBytes());

        Map<String, Integer> expected = Map.ofEntries(
                Map.entry("orgs", 1), Map.entry("teams", 1), Map.entry("users", 2), Map.entry("user_keys", 2),
                Map.entry("route_permissions", 1), Map.entry("rate_limits", 1), Map.entry("quotas", 1),
                Map.entry("providers", 3), Map.entry("credentials", 3), Map.entry("provider_models", 3),
                Map.entry("price_rules", 3), Map.entry("routes", 2), Map.entry("route_members", 3),
                Map.entry("aliases", 1), Map.entry("routing_rules", 0), Map.entry("rule_sets", 0), Map.entry("rules", 0),
                Map.entry("provider_rule_sets", 0), Map.entry("instance_settings", 1));
        assertEquals(expected, report.counts());
        assertTrue(report.warnings().isEmpty(), report.warnings().toString());

        ConfigState state = store.load();
        assertEquals(1, state.version(), "one store write");
        int bundleItems = expected.values().stream().mapToInt(Integer::intValue).sum();
        assertEquals(bundleItems + report.seededRoutingRules(), state.items().size());

        // ids preserved, and each stored document carries its own id
        assertEquals(Set.of("1", "2", "3"), ids(state, EntityType.PROVIDER));
        assertEquals(Set.of("1", "2", "3"), ids(state, EntityType.CREDENTIAL));
        assertEquals(Set.of("1", "2"), ids(state, EntityType.USER));
        assertEquals(Set.of("1", "2"), ids(state, EntityType.USER_KEY));
        assertEquals(Set.of("1", "2", "3"), ids(state, EntityType.ROUTE_MEMBER));
        assertEquals(Set.of("default"), ids(state, EntityType.INSTANCE_SETTINGS));
        for (ConfigItem i : state.items()) {
            String idField = i.type().idField();
            assertEquals(i.id(), i.doc().path(idField).asText(), i.sortKey());
        }
        ObjectNode anthropic = doc(state, EntityType.PROVIDER, "2");
        assertEquals("anthropic", anthropic.path("name").asText());
        assertEquals("claudeapi", anthropic.path("channel").asText());
        assertEquals("https://api.anthropic.com", anthropic.path("settings_json").path("base_url").asText());
        // decimals are stored as exact decimal text; defaults are filled in
        assertEquals("100.00", doc(state, EntityType.QUOTA, "1").path("quota_total").asText());
        assertEquals(100, doc(state, EntityType.ROUTE_MEMBER, "1").path("weight").asInt());
    }

    @Test
    void credentialsAreSealedAndNoPlaintextSecretIsStored() throws Exception {
        importer.importBundle(exampleBytes());
        ConfigState state = store.load();

        String everything = state.items().stream().map(i -> i.sortKey() + "=" + i.doc()).collect(Collectors.joining("\n"));
        for (String secret : PLAINTEXT_SECRETS) {
            assertFalse(everything.contains(secret), "plaintext secret " + secret + " stored");
        }
        assertFalse(everything.contains(ADMIN_KEY), "plaintext user key stored");
        assertFalse(everything.contains(ALICE_KEY), "plaintext user key stored");

        Map<String, String> expectedSecrets = Map.of("1", "sk-upstream-openai", "2", "sk-ant-upstream", "3", "AIza-upstream");
        for (ConfigItem c : items(state, EntityType.CREDENTIAL)) {
            assertFalse(c.doc().has("secret_json"), "secret_json must not be stored");
            assertTrue(c.doc().path("secret_sealed").isTextual(), "secret_sealed");
            String opened = cipher.open(c.doc().path("secret_sealed").asText(), Credential.secretContext(c.numericId()));
            // credential 3 gave secret_json as a JSON string: it is stored as the object it holds
            assertEquals(JSON.readTree("{\"api_key\":\"" + expectedSecrets.get(c.id()) + "\"}"), JSON.readTree(opened), c.sortKey());
        }
    }

    @Test
    void userKeysAreStoredAsDigestAndSealedKey() throws Exception {
        importer.importBundle(exampleBytes());
        ConfigState state = store.load();
        Map<String, String> keys = Map.of("1", ADMIN_KEY, "2", ALICE_KEY);
        for (ConfigItem k : items(state, EntityType.USER_KEY)) {
            String plaintext = keys.get(k.id());
            assertFalse(k.doc().has("api_key"), "api_key must not be stored");
            String digest = k.doc().path("api_key_digest").asText();
            assertTrue(digest.matches("[0-9a-f]{64}"), digest);
            assertEquals(KeyDigests.digest(plaintext), digest);
            assertEquals(plaintext, cipher.open(k.doc().path("api_key_sealed").asText(), SecretContext.of("user_key", k.id())));
        }
        ConfigSnapshot snapshot = ConfigSnapshot.build(state);
        assertEquals(2, snapshot.keyByDigest(KeyDigests.digest(ALICE_KEY)).orElseThrow().user().id());
    }

    // ---- routing rules seeded from channel defaults ---------------------------------------------------------------

    @Test
    void seedsRoutingRulesFromChannelDefaultsForEveryProvider() throws Exception {
        ImportReport report = importer.importBundle(exampleBytes());
        ConfigState state = store.load();

        int expectedSeeded = 0;
        for (ConfigItem p : items(state, EntityType.PROVIDER)) {
            Channel channel = channels.find(p.doc().path("channel").asText()).orElseThrow();
            long seeded = items(state, EntityType.ROUTING_RULE).stream()
                    .filter(r -> r.doc().path("provider_id").asLong() == p.numericId()).count();
            assertEquals(channel.routingDefaults().cells().size(), seeded, "rules seeded for provider " + p.id());
            assertTrue(seeded > 0);
            expectedSeeded += (int) seeded;
        }
        assertEquals(expectedSeeded, report.seededRoutingRules());

        ConfigSnapshot snapshot = ConfigSnapshot.build(state);
        assertTrue(snapshot.warnings().isEmpty(), snapshot.warnings().toString());
        Provider openai = snapshot.provider("openai").orElseThrow();
        assertEquals(RoutingDecision.PASSTHROUGH, openai.routing().decide(
                new OperationKey(Operation.GENERATE_CONTENT, OperationKind.OPEN_AI_CHAT_COMPLETIONS)));
        // the compiled tables equal the channel defaults, cell for cell
        for (Provider p : snapshot.providers()) {
            assertEquals(channels.find(p.channel()).orElseThrow().routingDefaults().cells(), p.routing().cells(), p.name());
        }
    }

    // ---- re-import ------------------------------------------------------------------------------------------------

    @Test
    void reimportingTheSameBundleIsIdempotent() throws Exception {
        importer.importBundle(exampleBytes());
        ConfigState first = store.load();

        ImportReport again = importer.importBundle(exampleBytes());
        ConfigState second = store.load();

        assertEquals(first.items().size(), second.items().size(), "same items");
        assertEquals(first.version() + 1, second.version(), "version bumps");
        assertEquals(0, again.seededRoutingRules(), "providers already have rules");
        assertEquals(sortKeys(first), sortKeys(second));
        // non-secret documents are identical; sealed values are re-sealed but still open to the same secrets
        for (ConfigItem a : first.items()) {
            ObjectNode b = doc(second, a.type(), a.id());
            if (a.type() != EntityType.CREDENTIAL && a.type() != EntityType.USER_KEY) {
                assertEquals(a.doc(), b, a.sortKey());
            }
        }
        assertEquals(doc(first, EntityType.USER_KEY, "1").path("api_key_digest"), doc(second, EntityType.USER_KEY, "1").path("api_key_digest"));
    }

    // ---- unknown input: warnings, not errors ----------------------------------------------------------------------

    @Test
    void unknownFieldsAndSectionsAreWarnings() throws Exception {
        ObjectNode bundle = example();
        ((ObjectNode) bundle.withArray("providers").get(0)).put("color", "blue");
        ((ObjectNode) bundle.withArray("credentials").get(1)).put("legacy_flag", true);
        ((ObjectNode) bundle.withArray("orgs").get(0)).put("created_at", "2025-01-01T00:00:00Z"); // export metadata: silent
        bundle.putArray("widgets").addObject().put("id", 1);

        ImportReport report = importer.importBundle(bundle);

        List<String> w = report.warnings();
        assertEquals(3, w.size(), w.toString());
        assertTrue(w.stream().anyMatch(s -> s.contains("providers[id=1].color")), w.toString());
        assertTrue(w.stream().anyMatch(s -> s.contains("credentials[id=2].legacy_flag")), w.toString());
        assertTrue(w.stream().anyMatch(s -> s.contains("widgets")), w.toString());
        ConfigState state = store.load();
        assertFalse(doc(state, EntityType.PROVIDER, "1").has("color"), "unknown fields are not stored");
        assertEquals(3, items(state, EntityType.PROVIDER).size());
    }

    // ---- seeded rows live apart from imported ids ----------------------------------------------------------------------

    @Test
    void seededRoutingRulesUseGeneratedIdsAndGiveWayToABundlesOwnRules() throws Exception {
        importer.importBundle(exampleBytes());
        List<ConfigItem> seeded = items(store.load(), EntityType.ROUTING_RULE);
        assertTrue(seeded.stream().allMatch(i -> i.numericId() >= io.gproxy.store.GeneratedIds.BASE
                && i.doc().path("seeded").asBoolean()), "seeded rows are marked and use generated ids");
        long geminiSeeded = seeded.stream().filter(i -> i.doc().path("provider_id").asLong() == 3).count();

        // A later bundle brings its own routing rules (ids 1 and 2) for provider 1 only.
        ObjectNode own = JSON.createObjectNode();
        ArrayNode rules = own.putArray("routing_rules");
        rules.addObject().put("id", 1).put("provider_id", 1).put("operation", "generate_content")
                .put("kind", "open_ai_chat_completions").put("implementation", "passthrough");
        rules.addObject().put("id", 2).put("provider_id", 1).put("operation", "stream_generate_content")
                .put("kind", "open_ai_chat_completions").put("implementation", "passthrough");
        importer.importBundle(own);

        List<ConfigItem> after = items(store.load(), EntityType.ROUTING_RULE);
        assertEquals(2, after.stream().filter(i -> i.doc().path("provider_id").asLong() == 1).count(),
                "provider 1 now has exactly the bundle's rules; its seeded defaults are gone");
        assertEquals(geminiSeeded, after.stream().filter(i -> i.doc().path("provider_id").asLong() == 3).count(),
                "other providers keep their seeded rules untouched");
        ConfigSnapshot snap = ConfigSnapshot.build(store.load());
        Provider openai = snap.provider("openai").orElseThrow();
        assertEquals(RoutingDecision.PASSTHROUGH, openai.routing().decide(
                new OperationKey(Operation.GENERATE_CONTENT, OperationKind.OPEN_AI_CHAT_COMPLETIONS)));
        assertEquals(RoutingDecision.UNSUPPORTED, openai.routing().decide(
                new OperationKey(Operation.GENERATE_CONTENT, OperationKind.OPEN_AI_RESPONSES)));
    }

    // ---- malformed bundles: nothing written, message locates array, id and field -----------------------------------

    static Stream<Arguments> malformed() {
        return Stream.of(
                bad("wrong type", b -> row(b, "providers", 0).put("enabled", "yes"),
                        "providers[id=1].enabled"),
                bad("wrong integer type", b -> row(b, "route_members", 0).put("weight", "100"),
                        "route_members[id=1].weight"),
                bad("value outside enumeration", b -> row(b, "routes", 0).put("strategy", "random"),
                        "routes[id=1].strategy", "random"),
                bad("missing required field", b -> row(b, "credentials", 1).remove("secret_json"),
                        "credentials[id=2].secret_json", "required"),
                bad("null required field", b -> row(b, "credentials", 1).putNull("secret_json"),
                        "credentials[id=2].secret_json", "required"),
                bad("empty secret", b -> row(b, "credentials", 0).putObject("secret_json"),
                        "credentials[id=1].secret_json"),
                bad("dangling reference", b -> row(b, "route_members", 0).put("provider_id", 99),
                        "route_members[id=1].provider_id", "99"),
                bad("dangling team", b -> row(b, "users", 1).put("team_id", 5),
                        "users[id=2].team_id", "5"),
                bad("dangling scope", b -> row(b, "quotas", 0).put("scope_id", 42),
                        "quotas[id=1].scope_id", "42"),
                bad("unknown channel", b -> row(b, "providers", 0).put("channel", "nope"),
                        "providers[id=1].channel", "nope"),
                bad("duplicate id", b -> row(b, "providers", 2).put("id", 1),
                        "providers[id=1]", "duplicate id"),
                bad("invalid alias regex", b -> row(b, "aliases", 0).put("alias", "gpt-4o(-.*"),
                        "aliases[id=1].alias", "regular expression"),
                bad("alias for unknown provider", b -> row(b, "aliases", 0).put("provider", "nobody"),
                        "aliases[id=1].provider", "nobody"),
                bad("secret_json string that is not JSON", b -> row(b, "credentials", 2).put("secret_json", "api_key=AIza-upstream"),
                        "credentials[id=3].secret_json"),
                bad("secret_json string holding an array", b -> row(b, "credentials", 2).put("secret_json", "[\"AIza-upstream\"]"),
                        "credentials[id=3].secret_json"),
                bad("secret_json string with trailing garbage", b -> row(b, "credentials", 2).put("secret_json", "{\"api_key\":\"AIza-upstream\"} junk"),
                        "credentials[id=3].secret_json"),
                bad("duplicate provider name", b -> row(b, "providers", 1).put("name", "openai"),
                        "providers[id=2].name", "openai"),
                bad("reserved provider name", b -> row(b, "providers", 0).put("name", "console"),
                        "providers[id=1].name", "console"),
                bad("provider name with a slash", b -> row(b, "providers", 0).put("name", "open/ai"),
                        "providers[id=1].name"),
                bad("duplicate user key", b -> row(b, "user_keys", 1).put("api_key", ADMIN_KEY),
                        "user_keys[id=2].api_key"),
                bad("non-positive id", b -> row(b, "teams", 0).put("id", 0),
                        "teams[id=0].id"),
                bad("invalid routing rule key", b -> b.withArray("routing_rules").addObject().put("id", 1).put("provider_id", 1)
                                .put("operation", "generate_content").put("kind", "open_ai").put("implementation", "passthrough"),
                        "routing_rules[id=1].kind"),
                bad("section is not an array", b -> b.putObject("providers"),
                        "providers"),
                bad("proxy URL that is not http", b -> row(b, "credentials", 0).put("proxy_url", "socks5://u:hunter2@proxy:1080"),
                        "credentials[id=1].proxy_url", "http://"),
                bad("proxy URL with a path", b -> row(b, "providers", 0).put("proxy_url", "http://proxy:3128/path"),
                        "providers[id=1].proxy_url", "path"),
                bad("instance proxy without a host", b -> row(b, "instance_settings", 0).put("proxy", "http://"),
                        "instance_settings", ".proxy"),
                bad("base URL that is not a URL", b -> ((ObjectNode) row(b, "providers", 0).get("settings_json"))
                                .put("base_url", "api.openai.com"),
                        "providers[id=1].settings_json.base_url", "http"),
                bad("base URL with another scheme", b -> ((ObjectNode) row(b, "providers", 1).get("settings_json"))
                                .put("base_url", "file:///etc/passwd"),
                        "providers[id=2].settings_json.base_url"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedBundleIsRejectedWithoutWriting(String name, Consumer<ObjectNode> mutation, List<String> expectedInMessage)
            throws Exception {
        ObjectNode bundle = example();
        mutation.accept(bundle);

        // into an empty store
        BundleException e = assertThrows(BundleException.class, () -> importer.importBundle(bundle));
        assertMessage(e, expectedInMessage);
        assertEquals(0, store.load().version());
        assertEquals(0, store.load().items().size());

        // and over an existing import: the store is left exactly as it was
        importer.importBundle(exampleBytes());
        String before = dump(store.load());
        long version = store.version();
        int count = store.load().items().size();
        BundleException again = assertThrows(BundleException.class, () -> importer.importBundle(bundle));
        assertMessage(again, expectedInMessage);
        assertEquals(version, store.load().version());
        assertEquals(count, store.load().items().size());
        assertEquals(before, dump(store.load()));
    }

    @Test
    void notJsonOrWrongSchemaIsRejected() throws Exception {
        assertThrows(BundleException.class, () -> importer.importBundle("{not json".getBytes()));
        assertThrows(BundleException.class, () -> importer.importBundle("[]".getBytes()));
        ObjectNode bundle = example();
        bundle.put("schema_version", 2);
        BundleException e = assertThrows(BundleException.class, () -> importer.importBundle(bundle));
        assertTrue(e.getMessage().contains("schema_version"), e.getMessage());
        assertEquals(0, store.version());
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static Arguments bad(String name, Consumer<ObjectNode> mutation, String... expectedInMessage) {
        return arguments(name, mutation, List.of(expectedInMessage));
    }

    private static ObjectNode row(ObjectNode bundle, String section, int index) {
        return (ObjectNode) ((ArrayNode) bundle.get(section)).get(index);
    }

    private static void assertMessage(BundleException e, List<String> expected) {
        String msg = e.getMessage();
        for (String s : expected) {
            assertTrue(msg.contains(s), "message '" + msg + "' should contain '" + s + "'");
        }
        for (String secret : PLAINTEXT_SECRETS) {
            assertFalse(msg.contains(secret), "message leaks a secret: " + msg);
        }
        assertFalse(msg.contains(ADMIN_KEY), "message leaks a key: " + msg);
    }

    private static List<ConfigItem> items(ConfigState state, EntityType type) {
        return state.items().stream().filter(i -> i.type() == type).toList();
    }

    private static Set<String> ids(ConfigState state, EntityType type) {
        return items(state, type).stream().map(ConfigItem::id).collect(Collectors.toCollection(TreeSet::new));
    }

    private static ObjectNode doc(ConfigState state, EntityType type, String id) {
        return items(state, type).stream().filter(i -> i.id().equals(id)).findFirst().orElseThrow().doc();
    }

    private static List<String> sortKeys(ConfigState state) {
        return state.items().stream().map(ConfigItem::sortKey).sorted().toList();
    }

    private static String dump(ConfigState state) {
        return state.items().stream().sorted(Comparator.comparing(ConfigItem::sortKey))
                .map(i -> i.sortKey() + "=" + i.doc()).collect(Collectors.joining("\n"));
    }
}
