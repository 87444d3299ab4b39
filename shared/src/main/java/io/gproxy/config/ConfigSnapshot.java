package io.gproxy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.channel.Implementation;
import io.gproxy.channel.RoutingDecision;
import io.gproxy.channel.RoutingTable;
import io.gproxy.protocol.OperationKey;
import io.gproxy.store.ConfigItem;
import io.gproxy.store.ConfigState;
import io.gproxy.store.EntityType;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * An immutable, indexed view of the config partition at one version: everything the request path reads, so a
 * request costs no store reads (DESIGN §5). Rebuilt wholesale when the version changes.
 */
public final class ConfigSnapshot {
    private final long version;
    private final List<ConfigItem> items;
    private final Map<String, KeyIdentity> keysByDigest;
    private final Map<Long, User> usersById;
    private final Map<Long, Org> orgsById;
    private final Map<Long, Team> teamsById;
    private final Map<String, Provider> providersByName;
    private final Map<Long, Provider> providersById;
    private final Map<Long, List<Credential>> credentialsByProvider;
    private final Map<String, Route> routesByName;
    private final List<Alias> globalAliases;
    private final Map<String, List<Alias>> providerAliases;
    private final Map<Long, List<ProviderModel>> modelsByProvider;
    private final List<String> warnings;
    private final ObjectNode instanceSettings;
    private final Map<Long, List<io.gproxy.rules.ProviderRule>> rulesByProvider;

    private ConfigSnapshot(Builder b) {
        this.rulesByProvider = Map.copyOf(b.rulesByProvider);
        this.instanceSettings = b.instanceSettings;
        this.version = b.version;
        this.items = List.copyOf(b.items);
        this.keysByDigest = Map.copyOf(b.keysByDigest);
        this.usersById = Map.copyOf(b.usersById);
        this.orgsById = Map.copyOf(b.orgsById);
        this.teamsById = Map.copyOf(b.teamsById);
        this.providersByName = Map.copyOf(b.providersByName);
        this.providersById = Map.copyOf(b.providersById);
        this.credentialsByProvider = Map.copyOf(b.credentialsByProvider);
        this.routesByName = Map.copyOf(b.routesByName);
        this.globalAliases = List.copyOf(b.globalAliases);
        this.providerAliases = Map.copyOf(b.providerAliases);
        this.modelsByProvider = Map.copyOf(b.modelsByProvider);
        this.warnings = List.copyOf(b.warnings);
    }

    public static ConfigSnapshot empty() {
        return build(new ConfigState(0, List.of()));
    }

    public long version() {
        return version;
    }

    /** The raw items this snapshot was built from (for export and admin views). */
    public List<ConfigItem> items() {
        return items;
    }

    /** Problems found while building (unparsable rules, bad regexes): logged, never fatal. */
    public List<String> warnings() {
        return warnings;
    }

    /** Enabled key of an enabled user, by digest. */
    public Optional<KeyIdentity> keyByDigest(String digest) {
        return Optional.ofNullable(keysByDigest.get(digest));
    }

    public Optional<User> user(long id) {
        return Optional.ofNullable(usersById.get(id));
    }

    public Collection<User> users() {
        return usersById.values();
    }

    public Optional<Org> org(long id) {
        return Optional.ofNullable(orgsById.get(id));
    }

    public Optional<Team> team(long id) {
        return Optional.ofNullable(teamsById.get(id));
    }

    /** Provider by name, enabled or not. */
    public Optional<Provider> provider(String name) {
        return Optional.ofNullable(providersByName.get(name));
    }

    public Optional<Provider> provider(long id) {
        return Optional.ofNullable(providersById.get(id));
    }

    public Collection<Provider> providers() {
        return providersById.values();
    }

    /** Enabled credentials of a provider, in id order. */
    public List<Credential> credentials(long providerId) {
        return credentialsByProvider.getOrDefault(providerId, List.of());
    }

    /** Enabled route by name. */
    public Optional<Route> route(String name) {
        return Optional.ofNullable(routesByName.get(name));
    }

    public Collection<Route> routes() {
        return routesByName.values();
    }

    public List<Alias> globalAliases() {
        return globalAliases;
    }

    public List<Alias> providerAliases(String providerName) {
        return providerAliases.getOrDefault(providerName, List.of());
    }

    public List<ProviderModel> models(long providerId) {
        return modelsByProvider.getOrDefault(providerId, List.of());
    }

    /** A provider's compiled rules (attached, enabled rule sets; by kind, attachment, sort order). */
    public List<io.gproxy.rules.ProviderRule> rules(long providerId) {
        return rulesByProvider.getOrDefault(providerId, List.of());
    }

    /** The instance settings row ({@code instance_settings}), or an empty object when there is none. */
    public ObjectNode instanceSettings() {
        return instanceSettings;
    }

    public static ConfigSnapshot build(ConfigState state) {
        Builder b = new Builder();
        b.version = state.version();
        b.items.addAll(state.items());
        Map<EntityType, List<ConfigItem>> byType = new HashMap<>();
        for (ConfigItem i : state.items()) {
            byType.computeIfAbsent(i.type(), t -> new ArrayList<>()).add(i);
        }
        for (ConfigItem i : of(byType, EntityType.ORG)) {
            ObjectNode d = i.doc();
            b.orgsById.put(i.numericId(), new Org(i.numericId(), text(d, "name"), bool(d, "enabled", true)));
        }
        for (ConfigItem i : of(byType, EntityType.TEAM)) {
            ObjectNode d = i.doc();
            b.teamsById.put(i.numericId(), new Team(i.numericId(), lng(d, "org_id"), text(d, "name"), bool(d, "enabled", true)));
        }
        for (ConfigItem i : of(byType, EntityType.USER)) {
            ObjectNode d = i.doc();
            b.usersById.put(i.numericId(), new User(i.numericId(), text(d, "name"), lng(d, "org_id"),
                    d.path("team_id").isIntegralNumber() ? d.path("team_id").longValue() : null,
                    text(d, "password"), bool(d, "enabled", true), bool(d, "is_admin", false)));
        }
        for (ConfigItem i : of(byType, EntityType.USER_KEY)) {
            ObjectNode d = i.doc();
            UserKey key = new UserKey(i.numericId(), lng(d, "user_id"), text(d, "api_key_digest"), text(d, "label"),
                    bool(d, "enabled", true));
            User user = b.usersById.get(key.userId());
            if (key.enabled() && key.digest() != null && user != null && user.enabled()) {
                b.keysByDigest.put(key.digest(), new KeyIdentity(key, user));
            }
        }
        Map<Long, Map<OperationKey, RoutingDecision>> rules = compileRoutingRules(of(byType, EntityType.ROUTING_RULE), b.warnings);
        for (ConfigItem i : of(byType, EntityType.PROVIDER)) {
            ObjectNode d = i.doc();
            RoutingTable.Builder table = RoutingTable.builder();
            rules.getOrDefault(i.numericId(), Map.of()).forEach(table::put);
            JsonNode settings = d.get("settings_json");
            Provider p = new Provider(i.numericId(), text(d, "name"), text(d, "channel"),
                    settings instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode(),
                    Optional.ofNullable(text(d, "credential_strategy")).orElse("round_robin"),
                    bool(d, "enabled", true), table.build());
            b.providersById.put(p.id(), p);
            b.providersByName.put(p.name(), p);
        }
        Map<Long, List<Credential>> creds = new HashMap<>();
        for (ConfigItem i : of(byType, EntityType.CREDENTIAL)) {
            ObjectNode d = i.doc();
            Credential c = new Credential(i.numericId(), lng(d, "provider_id"),
                    Optional.ofNullable(text(d, "name")).orElse(text(d, "label")),
                    Optional.ofNullable(text(d, "kind")).orElse("api_key"), text(d, "secret_sealed"),
                    d.path("weight").asInt(100), bool(d, "enabled", true));
            if (c.enabled()) {
                creds.computeIfAbsent(c.providerId(), k -> new ArrayList<>()).add(c);
            }
        }
        creds.forEach((k, v) -> {
            v.sort(Comparator.comparingLong(Credential::id));
            b.credentialsByProvider.put(k, List.copyOf(v));
        });
        Map<Long, List<RouteMember>> members = new HashMap<>();
        for (ConfigItem i : of(byType, EntityType.ROUTE_MEMBER)) {
            ObjectNode d = i.doc();
            if (bool(d, "enabled", true)) {
                members.computeIfAbsent(lng(d, "route_id"), k -> new ArrayList<>()).add(new RouteMember(i.numericId(),
                        lng(d, "route_id"), lng(d, "provider_id"), text(d, "upstream_model_id"),
                        d.path("weight").asInt(100), d.path("tier").asInt(0)));
            }
        }
        for (ConfigItem i : of(byType, EntityType.ROUTE)) {
            ObjectNode d = i.doc();
            if (!bool(d, "enabled", true)) {
                continue;
            }
            List<RouteMember> list = new ArrayList<>(members.getOrDefault(i.numericId(), List.of()));
            list.sort(Comparator.comparingInt(RouteMember::tier).thenComparing(Comparator.comparingInt(RouteMember::weight).reversed())
                    .thenComparingLong(RouteMember::id));
            JsonNode routeSettings = d.get("settings_json");
            Route r = new Route(i.numericId(), text(d, "name"), Optional.ofNullable(text(d, "strategy")).orElse("round_robin"),
                    List.copyOf(list), routeSettings instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode());
            b.routesByName.put(r.name(), r);
        }
        List<Alias> aliases = new ArrayList<>();
        for (ConfigItem i : of(byType, EntityType.ALIAS)) {
            ObjectNode d = i.doc();
            if (!bool(d, "enabled", true)) {
                continue;
            }
            try {
                aliases.add(new Alias(i.numericId(), text(d, "provider"), Pattern.compile(text(d, "alias")),
                        text(d, "target"), d.path("sort_order").asInt(0)));
            } catch (PatternSyntaxException e) {
                b.warnings.add("alias " + i.id() + " has an invalid pattern; skipped");
            }
        }
        aliases.sort(Comparator.comparingInt(Alias::sortOrder).thenComparingLong(Alias::id));
        for (Alias a : aliases) {
            if (a.provider().equals("*")) {
                b.globalAliases.add(a);
            } else {
                b.providerAliases.computeIfAbsent(a.provider(), k -> new ArrayList<>()).add(a);
            }
        }
        b.providerAliases.replaceAll((k, v) -> List.copyOf(v));
        Map<Long, List<ProviderModel>> models = new HashMap<>();
        for (ConfigItem i : of(byType, EntityType.PROVIDER_MODEL)) {
            ObjectNode d = i.doc();
            if (bool(d, "enabled", true)) {
                models.computeIfAbsent(lng(d, "provider_id"), k -> new ArrayList<>())
                        .add(new ProviderModel(i.numericId(), lng(d, "provider_id"), text(d, "model_id"), text(d, "display_name")));
            }
        }
        models.forEach((k, v) -> {
            v.sort(Comparator.comparing(ProviderModel::modelId));
            b.modelsByProvider.put(k, List.copyOf(v));
        });
        b.rulesByProvider.putAll(io.gproxy.rules.RuleSets.compile(state.items(), b.warnings));
        for (ConfigItem i : of(byType, EntityType.INSTANCE_SETTINGS)) {
            b.instanceSettings = i.doc(); // one row per instance; the table holds one instance
        }
        return new ConfigSnapshot(b);
    }

    /** Per provider: enabled rules in sort order, first rule per cell wins, unparsable rows skipped with a warning. */
    private static Map<Long, Map<OperationKey, RoutingDecision>> compileRoutingRules(List<ConfigItem> rows, List<String> warnings) {
        List<ConfigItem> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparingInt((ConfigItem i) -> i.doc().path("sort_order").asInt(0)).thenComparingLong(ConfigItem::numericId));
        Map<Long, Map<OperationKey, RoutingDecision>> out = new HashMap<>();
        for (ConfigItem i : sorted) {
            ObjectNode d = i.doc();
            if (!bool(d, "enabled", true)) {
                continue;
            }
            Optional<OperationKey> key = OperationKey.parse(text(d, "operation"), text(d, "kind"));
            Optional<Implementation> impl = Implementation.parse(text(d, "implementation"));
            if (key.isEmpty() || impl.isEmpty()) {
                warnings.add("routing rule " + i.id() + " is not a valid (operation, kind, implementation); skipped");
                continue;
            }
            RoutingDecision decision = switch (impl.get()) {
                case PASSTHROUGH -> RoutingDecision.PASSTHROUGH;
                case LOCAL -> RoutingDecision.LOCAL;
                case UNSUPPORTED -> RoutingDecision.UNSUPPORTED;
                case TRANSFORM_TO -> {
                    String destOp = Optional.ofNullable(text(d, "dest_operation")).orElse(key.get().operation().id());
                    yield OperationKey.parse(destOp, text(d, "dest_kind"))
                            .map(RoutingDecision::transformTo).orElse(RoutingDecision.UNSUPPORTED);
                }
            };
            out.computeIfAbsent(lng(d, "provider_id"), k -> new LinkedHashMap<>())
                    .putIfAbsent(key.get(), decision.normalisedFor(key.get()));
        }
        return out;
    }

    private static List<ConfigItem> of(Map<EntityType, List<ConfigItem>> byType, EntityType t) {
        return byType.getOrDefault(t, Collections.emptyList());
    }

    private static String text(ObjectNode d, String field) {
        JsonNode n = d.get(field);
        return n != null && n.isTextual() ? n.textValue() : null;
    }

    private static long lng(ObjectNode d, String field) {
        return d.path(field).asLong();
    }

    private static boolean bool(ObjectNode d, String field, boolean dflt) {
        JsonNode n = d.get(field);
        return n != null && n.isBoolean() ? n.booleanValue() : dflt;
    }

    private static final class Builder {
        long version;
        final List<ConfigItem> items = new ArrayList<>();
        final Map<String, KeyIdentity> keysByDigest = new HashMap<>();
        final Map<Long, User> usersById = new HashMap<>();
        final Map<Long, Org> orgsById = new HashMap<>();
        final Map<Long, Team> teamsById = new HashMap<>();
        final Map<String, Provider> providersByName = new HashMap<>();
        final Map<Long, Provider> providersById = new HashMap<>();
        final Map<Long, List<Credential>> credentialsByProvider = new HashMap<>();
        final Map<String, Route> routesByName = new HashMap<>();
        final List<Alias> globalAliases = new ArrayList<>();
        final Map<String, List<Alias>> providerAliases = new HashMap<>();
        final Map<Long, List<ProviderModel>> modelsByProvider = new HashMap<>();
        final List<String> warnings = new ArrayList<>();
        ObjectNode instanceSettings = JsonNodeFactory.instance.objectNode();
        final Map<Long, List<io.gproxy.rules.ProviderRule>> rulesByProvider = new HashMap<>();
    }
}
