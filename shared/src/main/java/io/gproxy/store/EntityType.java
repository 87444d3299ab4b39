package io.gproxy.store;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.gproxy.store.FieldSpec.def;
import static io.gproxy.store.FieldSpec.oneOf;
import static io.gproxy.store.FieldSpec.opt;
import static io.gproxy.store.FieldSpec.ref;
import static io.gproxy.store.FieldSpec.req;
import static io.gproxy.store.FieldType.ANY;
import static io.gproxy.store.FieldType.BOOL;
import static io.gproxy.store.FieldType.DECIMAL;
import static io.gproxy.store.FieldType.INT;
import static io.gproxy.store.FieldType.JSON_OBJECT;
import static io.gproxy.store.FieldType.STRING;

/**
 * The config entities of the data model (spec/core.md §4) with the fields the import bundle carries
 * (spec/core.md §15). Declaration order is dependency order: an entity only references entities declared above it,
 * which is also the order import validates and writes them in.
 */
public enum EntityType {
    ORG("orgs", "org", List.of(
            req("id", INT), req("name", STRING), def("enabled", BOOL, true), opt("description", STRING))),
    TEAM("teams", "team", List.of(
            req("id", INT), ref("org_id", ORG, true), req("name", STRING), def("enabled", BOOL, true))),
    USER("users", "user", List.of(
            req("id", INT), req("name", STRING), ref("org_id", ORG, true), ref("team_id", TEAM, false),
            opt("password", STRING), def("enabled", BOOL, true), def("is_admin", BOOL, false))),
    USER_KEY("user_keys", "user_key", List.of(
            req("id", INT), ref("user_id", USER, true), req("api_key", STRING), opt("label", STRING),
            def("enabled", BOOL, true))),
    ROUTE_PERMISSION("route_permissions", "route_permission", List.of(
            req("id", INT), oneOf("scope", true, null, "org", "team", "user"), req("scope_id", INT),
            req("route_pattern", STRING))),
    RATE_LIMIT("rate_limits", "rate_limit", List.of(
            req("id", INT), oneOf("scope", true, null, "org", "team", "user"), req("scope_id", INT),
            def("route_pattern", STRING, "*"), opt("rpm", INT), opt("rpd", INT), opt("total_tokens", INT))),
    QUOTA("quotas", "quota", List.of(
            req("id", INT), oneOf("scope", true, null, "org", "team", "user"), req("scope_id", INT),
            opt("quota_total", DECIMAL), opt("quota_daily", DECIMAL), opt("quota_weekly", DECIMAL),
            opt("quota_monthly", DECIMAL), opt("quota_5h", DECIMAL), opt("quota_7d", DECIMAL))),
    PROVIDER("providers", "provider", List.of(
            req("id", INT), req("name", STRING), req("channel", STRING), opt("label", STRING),
            def("settings_json", JSON_OBJECT, null), oneOf("credential_strategy", false, "round_robin", "round_robin", "sticky"),
            opt("proxy_url", STRING), opt("tls_fingerprint", ANY), def("enabled", BOOL, true))),
    CREDENTIAL("credentials", "credential", List.of(
            req("id", INT), ref("provider_id", PROVIDER, true), opt("name", STRING), opt("label", STRING),
            def("kind", STRING, "api_key"), req("secret_json", JSON_OBJECT), def("weight", INT, 100),
            opt("rpm_limit", INT), opt("tpm_limit", INT), opt("proxy_url", STRING), opt("tls_fingerprint", ANY),
            def("enabled", BOOL, true))),
    PROVIDER_MODEL("provider_models", "provider_model", List.of(
            req("id", INT), ref("provider_id", PROVIDER, true), req("model_id", STRING), opt("display_name", STRING),
            opt("variants_json", ANY), opt("context_window", INT), opt("max_output_tokens", INT),
            opt("thinking_supported", BOOL), opt("thinking_adaptive_supported", BOOL),
            opt("thinking_enabled_supported", BOOL), def("enabled", BOOL, true))),
    PRICE_RULE("price_rules", "price_rule", List.of(
            req("id", INT), ref("provider_id", PROVIDER, false), oneOf("match_type", true, null, "exact", "contains"),
            req("model_match", STRING), opt("input_price", DECIMAL), opt("output_price", DECIMAL),
            opt("cache_read_price", DECIMAL), opt("cache_creation_5m_price", DECIMAL),
            opt("cache_creation_30m_price", DECIMAL), opt("cache_creation_1h_price", DECIMAL),
            opt("image_output_price", DECIMAL), opt("pricing_tiers_json", ANY), def("enabled", BOOL, true))),
    ROUTE("routes", "route", List.of(
            req("id", INT), req("name", STRING),
            oneOf("strategy", false, "round_robin", "round_robin", "weighted", "failover"),
            def("enabled", BOOL, true), opt("description", STRING), def("settings_json", JSON_OBJECT, null))),
    ROUTE_MEMBER("route_members", "route_member", List.of(
            req("id", INT), ref("route_id", ROUTE, true), ref("provider_id", PROVIDER, true),
            req("upstream_model_id", STRING), def("weight", INT, 100), def("tier", INT, 0), def("enabled", BOOL, true))),
    ALIAS("aliases", "alias", List.of(
            req("id", INT), req("provider", STRING), req("alias", STRING), req("target", STRING),
            def("sort_order", INT, 0), def("enabled", BOOL, true))),
    ROUTING_RULE("routing_rules", "routing_rule", List.of(
            req("id", INT), ref("provider_id", PROVIDER, true), req("operation", STRING), req("kind", STRING),
            oneOf("implementation", true, null, "passthrough", "transform_to", "local", "unsupported"),
            opt("dest_operation", STRING), opt("dest_kind", STRING), def("sort_order", INT, 0),
            def("enabled", BOOL, true))),
    RULE_SET("rule_sets", "rule_set", List.of(
            req("id", INT), req("name", STRING), def("enabled", BOOL, true), opt("description", STRING))),
    RULE("rules", "rule", List.of(
            req("id", INT), ref("rule_set_id", RULE_SET, true),
            oneOf("kind", true, null, "system_text", "cache_breakpoint", "rewrite", "transform", "header"),
            def("config_json", JSON_OBJECT, null), opt("filter_model_pattern", STRING), opt("filter_operation_keys", ANY),
            opt("filter_header_pattern", STRING), def("sort_order", INT, 0), def("enabled", BOOL, true))),
    PROVIDER_RULE_SET("provider_rule_sets", "provider_rule_set", List.of(
            req("id", INT), ref("provider_id", PROVIDER, true), ref("rule_set_id", RULE_SET, true),
            def("sort_order", INT, 0), def("enabled", BOOL, true))),
    INSTANCE_SETTINGS("instance_settings", "instance_settings", List.of(
            req("instance_name", STRING), opt("proxy", STRING), def("spoof_emulation", BOOL, false),
            def("enable_usage", BOOL, true), def("enable_upstream_log", BOOL, false),
            def("enable_upstream_log_body", BOOL, false), def("enable_downstream_log", BOOL, false),
            def("enable_downstream_log_body", BOOL, false), def("disable_log_redaction", BOOL, false),
            def("enable_tokenizer_download", BOOL, false), opt("update_channel", STRING),
            opt("enable_auto_update_check", BOOL), def("retention_days", INT, 30), opt("max_database_size_mb", INT),
            opt("file_upload_max_in_flight", INT)));

    private final String bundleKey;
    private final String itemName;
    private final Map<String, FieldSpec> fields;

    EntityType(String bundleKey, String itemName, List<FieldSpec> fields) {
        this.bundleKey = bundleKey;
        this.itemName = itemName;
        Map<String, FieldSpec> map = new LinkedHashMap<>();
        fields.forEach(f -> map.put(f.name(), f));
        this.fields = map;
    }

    /** The array name in the import bundle. */
    public String bundleKey() {
        return bundleKey;
    }

    /** The singular name used in sort keys and messages. */
    public String itemName() {
        return itemName;
    }

    /** The field that identifies an entity: {@code id}, or {@code instance_name} for instance settings. */
    public String idField() {
        return this == INSTANCE_SETTINGS ? "instance_name" : "id";
    }

    public Map<String, FieldSpec> fields() {
        return fields;
    }

    public static Optional<EntityType> byBundleKey(String key) {
        for (EntityType t : values()) {
            if (t.bundleKey.equals(key)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    public static Optional<EntityType> byItemName(String name) {
        for (EntityType t : values()) {
            if (t.itemName.equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
