package io.gproxy.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.pipeline.GatewayError;
import io.gproxy.pipeline.ModelResolver;
import io.gproxy.pipeline.Resolution;
import io.gproxy.pipeline.Target;
import io.gproxy.protocol.ClassifiedRequest;
import io.gproxy.protocol.Operation;
import io.gproxy.protocol.OperationKey;
import io.gproxy.protocol.OperationKind;
import io.gproxy.store.ConfigItem;
import io.gproxy.store.ConfigState;
import io.gproxy.store.EntityType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The snapshot's indexes (member order, what "disabled" hides) and model resolution over it with
 * {@link ModelResolver}: global aliases, route names, {@code provider/model}, and the 404s for the rest.
 */
class ConfigSnapshotTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ConfigSnapshot snapshot() throws Exception {
        List<ConfigItem> items = new ArrayList<>();
        add(items, EntityType.ORG, 1, "{\"name\":\"default\"}");
        add(items, EntityType.USER, 1, "{\"name\":\"alice\",\"org_id\":1,\"enabled\":true}");
        add(items, EntityType.USER, 2, "{\"name\":\"bob\",\"org_id\":1,\"enabled\":false}");
        add(items, EntityType.USER_KEY, 1, "{\"user_id\":1,\"api_key_digest\":\"d-enabled\",\"enabled\":true}");
        add(items, EntityType.USER_KEY, 2, "{\"user_id\":1,\"api_key_digest\":\"d-disabled\",\"enabled\":false}");
        add(items, EntityType.USER_KEY, 3, "{\"user_id\":2,\"api_key_digest\":\"d-of-disabled-user\",\"enabled\":true}");
        add(items, EntityType.PROVIDER, 1, "{\"name\":\"openai\",\"channel\":\"openai\",\"enabled\":true}");
        add(items, EntityType.PROVIDER, 2, "{\"name\":\"anthropic\",\"channel\":\"claudeapi\",\"enabled\":true}");
        add(items, EntityType.PROVIDER, 3, "{\"name\":\"gemini\",\"channel\":\"aistudio\",\"enabled\":false}");
        add(items, EntityType.CREDENTIAL, 2, "{\"provider_id\":1,\"secret_sealed\":\"s2\",\"enabled\":true}");
        add(items, EntityType.CREDENTIAL, 1, "{\"provider_id\":1,\"secret_sealed\":\"s1\",\"enabled\":true}");
        add(items, EntityType.CREDENTIAL, 3, "{\"provider_id\":1,\"secret_sealed\":\"s3\",\"enabled\":false}");
        add(items, EntityType.ROUTE, 1, "{\"name\":\"fast\",\"strategy\":\"failover\",\"enabled\":true}");
        add(items, EntityType.ROUTE, 2, "{\"name\":\"off\",\"enabled\":false}");
        // route "fast": tier asc, then weight desc; member 15 is disabled, member 16 is on a disabled provider
        add(items, EntityType.ROUTE_MEMBER, 11, "{\"route_id\":1,\"provider_id\":1,\"upstream_model_id\":\"t1-w10\",\"tier\":1,\"weight\":10}");
        add(items, EntityType.ROUTE_MEMBER, 12, "{\"route_id\":1,\"provider_id\":2,\"upstream_model_id\":\"t0-w50\",\"tier\":0,\"weight\":50}");
        add(items, EntityType.ROUTE_MEMBER, 13, "{\"route_id\":1,\"provider_id\":1,\"upstream_model_id\":\"t1-w90\",\"tier\":1,\"weight\":90}");
        add(items, EntityType.ROUTE_MEMBER, 14, "{\"route_id\":1,\"provider_id\":1,\"upstream_model_id\":\"t0-w100\",\"tier\":0,\"weight\":100}");
        add(items, EntityType.ROUTE_MEMBER, 15, "{\"route_id\":1,\"provider_id\":1,\"upstream_model_id\":\"disabled\",\"tier\":0,\"weight\":500,\"enabled\":false}");
        add(items, EntityType.ROUTE_MEMBER, 16, "{\"route_id\":1,\"provider_id\":3,\"upstream_model_id\":\"on-disabled-provider\",\"tier\":0,\"weight\":400}");
        add(items, EntityType.ALIAS, 1, "{\"provider\":\"*\",\"alias\":\"gpt-4o-mini(-.*)?\",\"target\":\"openai/gpt-4o-mini\",\"sort_order\":0}");
        add(items, EntityType.ALIAS, 2, "{\"provider\":\"*\",\"alias\":\"quick\",\"target\":\"fast\",\"sort_order\":1}");
        add(items, EntityType.ALIAS, 3, "{\"provider\":\"anthropic\",\"alias\":\"sonnet\",\"target\":\"claude-sonnet-4-5\"}");
        add(items, EntityType.ALIAS, 4, "{\"provider\":\"*\",\"alias\":\"never\",\"target\":\"openai/x\",\"enabled\":false}");
        return ConfigSnapshot.build(new ConfigState(7, items));
    }

    // ---- indexes -----------------------------------------------------------------------------------------------------

    @Test
    void routeMembersAreSortedByTierThenWeightDescAndDisabledOnesDropped() throws Exception {
        ConfigSnapshot s = snapshot();
        assertEquals(7, s.version());
        Route fast = s.route("fast").orElseThrow();
        // the snapshot keeps members of disabled providers (they may be re-enabled); resolution skips them
        assertEquals(List.of("on-disabled-provider", "t0-w100", "t0-w50", "t1-w90", "t1-w10"),
                fast.members().stream().map(RouteMember::upstreamModelId).toList());
        assertTrue(s.route("off").isEmpty(), "disabled route");
    }

    @Test
    void disabledProvidersCredentialsAndKeysAreExcluded() throws Exception {
        ConfigSnapshot s = snapshot();
        assertEquals(false, s.provider("gemini").orElseThrow().enabled(), "kept by name, marked disabled");
        assertEquals(List.of(1L, 2L), s.credentials(1).stream().map(Credential::id).toList(), "enabled, in id order");
        assertTrue(s.keyByDigest("d-enabled").isPresent());
        assertTrue(s.keyByDigest("d-disabled").isEmpty(), "disabled key");
        assertTrue(s.keyByDigest("d-of-disabled-user").isEmpty(), "key of a disabled user");
        assertEquals(2, s.globalAliases().size(), "disabled alias dropped");
    }

    // ---- resolution --------------------------------------------------------------------------------------------------

    @Test
    void globalAliasRewritesToProviderModel() throws Exception {
        ConfigSnapshot s = snapshot();
        for (String requested : List.of("gpt-4o-mini", "gpt-4o-mini-2024-07-18")) {
            Resolution r = ModelResolver.resolve(request(requested, null), s);
            assertEquals(requested, r.requested());
            assertNull(r.routeName());
            assertEquals(1, r.targets().size());
            assertEquals("openai", r.targets().get(0).provider().name());
            assertEquals("gpt-4o-mini", r.targets().get(0).upstreamModel());
        }
    }

    @Test
    void routeNameGivesEnabledMembersOfEnabledProvidersInOrder() throws Exception {
        Resolution r = ModelResolver.resolve(request("quick", null), snapshot()); // alias -> route "fast"
        assertEquals("fast", r.routeName());
        assertEquals(List.of("t0-w100", "t0-w50", "t1-w90", "t1-w10"), r.targets().stream().map(Target::upstreamModel).toList());
        assertEquals(List.of(14L, 12L, 13L, 11L), r.targets().stream().map(Target::memberId).toList());
    }

    @Test
    void providerSlashModelAppliesProviderAliases() throws Exception {
        Resolution r = ModelResolver.resolve(request("anthropic/sonnet", null), snapshot());
        assertEquals("anthropic", r.targets().get(0).provider().name());
        assertEquals("claude-sonnet-4-5", r.targets().get(0).upstreamModel());
        // split at the first '/': the rest is the provider's model id
        assertEquals("org/model", ModelResolver.resolve(request("openai/org/model", null), snapshot()).targets().get(0).upstreamModel());
    }

    @Test
    void unknownModelIs404UnknownRoute() throws Exception {
        GatewayError e = assertThrows(GatewayError.class, () -> ModelResolver.resolve(request("x", null), snapshot()));
        assertEquals(404, e.status());
        assertEquals("unknown route: x", e.getMessage());
        assertEquals(404, assertThrows(GatewayError.class, () -> ModelResolver.resolve(request(null, null), snapshot())).status());
        assertEquals("unknown route: off", assertThrows(GatewayError.class,
                () -> ModelResolver.resolve(request("off", null), snapshot())).getMessage(), "disabled route");
    }

    @Test
    void disabledOrUnknownProviderIs404UnknownProvider() throws Exception {
        GatewayError e = assertThrows(GatewayError.class, () -> ModelResolver.resolve(request("gemini/gemini-2.5-flash", null), snapshot()));
        assertEquals(404, e.status());
        assertEquals("unknown provider: gemini", e.getMessage());
        assertEquals("unknown provider: nobody", assertThrows(GatewayError.class,
                () -> ModelResolver.resolve(request("nobody/m", null), snapshot())).getMessage());
        // scoped requests name the provider in the path
        assertEquals("unknown provider: gemini", assertThrows(GatewayError.class,
                () -> ModelResolver.resolve(request("gemini-2.5-flash", "gemini"), snapshot())).getMessage());
    }

    @Test
    void aliasReplacesTheWholeModelName() throws Exception {
        List<ConfigItem> items = new ArrayList<>();
        add(items, EntityType.PROVIDER, 2, "{\"name\":\"anthropic\",\"channel\":\"claudeapi\"}");
        add(items, EntityType.ALIAS, 1, "{\"provider\":\"*\",\"alias\":\"claude-.*?\",\"target\":\"anthropic/claude-sonnet-4-5\"}");
        add(items, EntityType.ALIAS, 2, "{\"provider\":\"*\",\"alias\":\"gpt|gpt-4o\",\"target\":\"anthropic/m\"}");
        ConfigSnapshot s = ConfigSnapshot.build(new ConfigState(1, items));

        // full match of "claude-.*?" on "claude-3": expected target exactly; actual "claude-sonnet-4-53"
        assertEquals("claude-sonnet-4-5", ModelResolver.resolve(request("claude-3", null), s).targets().get(0).upstreamModel());
        // full match of "gpt|gpt-4o" on "gpt-4o": expected "m"; actual "m-4o"
        assertEquals("m", ModelResolver.resolve(request("gpt-4o", null), s).targets().get(0).upstreamModel());
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static ClassifiedRequest request(String model, String scopedProvider) {
        OperationKey key = new OperationKey(Operation.GENERATE_CONTENT, OperationKind.OPEN_AI_CHAT_COMPLETIONS);
        return new ClassifiedRequest(key, false, model, scopedProvider, "/v1/chat/completions", false);
    }

    private static void add(List<ConfigItem> items, EntityType type, long id, String doc) throws Exception {
        ObjectNode d = (ObjectNode) JSON.readTree(doc);
        d.put("id", id);
        items.add(new ConfigItem(type, Long.toString(id), d));
    }
}
