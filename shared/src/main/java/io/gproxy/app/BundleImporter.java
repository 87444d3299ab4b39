package io.gproxy.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.channel.Channel;
import io.gproxy.channel.ChannelException;
import io.gproxy.channel.ChannelRegistry;
import io.gproxy.channel.OutboundProxy;
import io.gproxy.channel.Implementation;
import io.gproxy.channel.RoutingDecision;
import io.gproxy.config.Credential;
import io.gproxy.crypto.KeyDigests;
import io.gproxy.crypto.PasswordHasher;
import io.gproxy.crypto.SecretCipher;
import io.gproxy.crypto.SecretContext;
import io.gproxy.protocol.OperationKey;
import io.gproxy.store.ConfigItem;
import io.gproxy.store.ConfigState;
import io.gproxy.store.ConfigStore;
import io.gproxy.store.EntityType;
import io.gproxy.store.FieldSpec;
import io.gproxy.store.GeneratedIds;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Imports a bundle in the reference gateway's export format (spec/core.md §15, examples/bundle.json): validates
 * every entity against {@link EntityType}'s fields, checks references and unique names against the bundle and the
 * store, seals secrets, seeds channel routing defaults for providers without routing rules, and writes everything
 * in one store write. Validation runs to completion before anything is written: a malformed bundle imports nothing.
 * Ids are preserved, so importing the same bundle again upserts the same items.
 */
public final class BundleImporter {
    /** Refuses trailing garbage after a JSON value ({@code "{...} junk"} in a JSON-string field). */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final ConfigStore store;
    private final SecretCipher cipher;
    private final ChannelRegistry channels;

    public BundleImporter(ConfigStore store, SecretCipher cipher, ChannelRegistry channels) {
        this.store = store;
        this.cipher = cipher;
        this.channels = channels;
    }

    public ImportReport importBundle(byte[] bundleJson) throws BundleException {
        JsonNode root;
        try {
            root = JSON.readTree(bundleJson);
        } catch (Exception e) {
            throw new BundleException("bundle is not valid JSON: " + firstLine(e.getMessage()));
        }
        return importBundle(root);
    }

    public ImportReport importBundle(JsonNode root) throws BundleException {
        if (root == null || !root.isObject()) {
            throw new BundleException("bundle must be a JSON object");
        }
        List<String> warnings = new ArrayList<>();
        JsonNode schema = root.get("schema_version");
        if (schema != null && !(schema.isIntegralNumber() && schema.intValue() == 1)) {
            throw new BundleException("schema_version " + schema + " is not supported (expected 1)");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.equals("schema_version") && EntityType.byBundleKey(key).isEmpty()) {
                warnings.add("unknown bundle section '" + key + "' ignored");
            }
        }

        ConfigState existing = store.load();
        Prepared prepared = prepare(root, existing, warnings);
        List<ConfigItem> puts = new ArrayList<>(prepared.puts());
        Map<String, Integer> counts = new LinkedHashMap<>();
        prepared.incoming().forEach((type, rows) -> counts.put(type.bundleKey(), rows.size()));
        Map<EntityType, Map<String, ObjectNode>> merged = prepared.merged();
        Map<EntityType, Map<String, ObjectNode>> incoming = prepared.incoming();
        SeedPlan seeded = seedRoutingRules(merged, incoming.getOrDefault(EntityType.ROUTING_RULE, Map.of()));
        puts.addAll(seeded.puts());
        if (!puts.isEmpty() || !seeded.deletes().isEmpty()) {
            store.write(puts, seeded.deletes());
        }
        return new ImportReport(counts, seeded.puts().size(), warnings);
    }


    /**
     * Validates rows of one entity type exactly as an import would (fields, references, unique names, semantics)
     * against {@code existing}, and returns the items to store (secrets sealed, keys digested, passwords hashed).
     * Unlike an import it neither seeds nor replaces routing rules: the admin API upserts single rows with it and
     * decides about seeding itself.
     */
    public List<ConfigItem> prepareUpsert(EntityType type, List<ObjectNode> rows, ConfigState existing)
            throws BundleException {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        com.fasterxml.jackson.databind.node.ArrayNode section = root.putArray(type.bundleKey());
        rows.forEach(section::add);
        return prepare(root, existing, new ArrayList<>()).puts();
    }

    /** The routing rules of {@code channel}'s defaults for one provider, with ids from {@code firstId} on, marked seeded. */
    public List<ConfigItem> defaultRoutingRules(long providerId, String channelId, long firstId) {
        Channel channel = channels.find(channelId).orElseThrow();
        List<ConfigItem> out = new ArrayList<>();
        long nextId = firstId;
        int order = 0;
        for (Map.Entry<OperationKey, RoutingDecision> cell : channel.routingDefaults().cells().entrySet()) {
            ObjectNode doc = JsonNodeFactory.instance.objectNode();
            doc.put("id", nextId);
            doc.put("provider_id", providerId);
            doc.put("operation", cell.getKey().operation().id());
            doc.put("kind", cell.getKey().kind().id());
            doc.put("implementation", cell.getValue().implementation().id());
            if (cell.getValue().implementation() == Implementation.TRANSFORM_TO) {
                doc.put("dest_operation", cell.getValue().destination().operation().id());
                doc.put("dest_kind", cell.getValue().destination().kind().id());
            }
            doc.put("sort_order", order++);
            doc.put("enabled", true);
            doc.put("seeded", true);
            out.add(new ConfigItem(EntityType.ROUTING_RULE, Long.toString(nextId++), doc));
        }
        return out;
    }

    private record Prepared(Map<EntityType, Map<String, ObjectNode>> incoming,
                            Map<EntityType, Map<String, ObjectNode>> merged, List<ConfigItem> puts) {}

    /** Validation and conversion shared by imports and admin upserts; writes nothing. */
    private Prepared prepare(JsonNode root, ConfigState existing, List<String> warnings) throws BundleException {
        Map<EntityType, Map<String, ObjectNode>> known = new HashMap<>();
        for (ConfigItem i : existing.items()) {
            known.computeIfAbsent(i.type(), t -> new LinkedHashMap<>()).put(i.id(), i.doc());
        }

        Map<EntityType, Map<String, ObjectNode>> incoming = new LinkedHashMap<>();
        for (EntityType type : EntityType.values()) {
            JsonNode section = root.get(type.bundleKey());
            if (section == null || section.isNull()) {
                continue;
            }
            if (!section.isArray()) {
                throw new BundleException(type.bundleKey() + ": expected an array");
            }
            Map<String, ObjectNode> rows = new LinkedHashMap<>();
            int index = 0;
            for (JsonNode row : section) {
                ObjectNode doc = normalise(type, row, index++, warnings);
                String id = idOf(type, doc);
                if (rows.put(id, doc) != null) {
                    throw new BundleException(type.bundleKey() + "[id=" + id + "]: duplicate id in bundle");
                }
            }
            incoming.put(type, rows);
        }

        // The config as it will be after the import, for reference and uniqueness checks.
        Map<EntityType, Map<String, ObjectNode>> merged = new HashMap<>();
        for (EntityType t : EntityType.values()) {
            Map<String, ObjectNode> m = new LinkedHashMap<>(known.getOrDefault(t, Map.of()));
            m.putAll(incoming.getOrDefault(t, Map.of()));
            merged.put(t, m);
        }
        for (Map.Entry<EntityType, Map<String, ObjectNode>> e : incoming.entrySet()) {
            for (Map.Entry<String, ObjectNode> row : e.getValue().entrySet()) {
                checkReferences(e.getKey(), row.getKey(), row.getValue(), merged);
                checkSemantics(e.getKey(), row.getKey(), row.getValue(), merged);
            }
        }
        checkUnique(merged, EntityType.ORG, "name");
        checkUnique(merged, EntityType.USER, "name");
        checkUnique(merged, EntityType.PROVIDER, "name");
        checkUnique(merged, EntityType.ROUTE, "name");
        checkUnique(merged, EntityType.RULE_SET, "name");

        List<ConfigItem> puts = new ArrayList<>();
        Set<String> digests = new HashSet<>();
        for (ObjectNode k : known.getOrDefault(EntityType.USER_KEY, Map.of()).values()) {
            // keys about to be replaced by the bundle are checked against their new value below
            digests.add(k.path("api_key_digest").asText());
        }
        for (Map.Entry<EntityType, Map<String, ObjectNode>> e : incoming.entrySet()) {
            EntityType type = e.getKey();
            for (Map.Entry<String, ObjectNode> row : e.getValue().entrySet()) {
                ObjectNode stored = toStored(type, row.getKey(), row.getValue(), known, digests);
                puts.add(new ConfigItem(type, row.getKey(), stored));
            }
        }
        return new Prepared(incoming, merged, puts);
    }

    /** Validates one bundle row against the entity's fields and returns its normalised document. */
    private ObjectNode normalise(EntityType type, JsonNode row, int index, List<String> warnings) throws BundleException {
        if (!row.isObject()) {
            throw new BundleException(type.bundleKey() + "[" + index + "]: expected an object");
        }
        JsonNode idNode = row.get(type.idField());
        String where = type.bundleKey() + "[" + type.idField() + "=" + (idNode == null ? "?" : idNode.asText()) + "]";
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (FieldSpec f : type.fields().values()) {
            JsonNode v = row.get(f.name());
            if (v == null || v.isNull()) {
                if (f.required()) {
                    throw new BundleException(where + "." + f.name() + ": is required");
                }
                putDefault(out, f);
                continue;
            }
            out.set(f.name(), coerce(where, f, v));
        }
        for (Iterator<String> it = row.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!type.fields().containsKey(name) && !name.equals("created_at") && !name.equals("updated_at")) {
                warnings.add(where + "." + name + ": unknown field ignored");
            }
        }
        if (type != EntityType.INSTANCE_SETTINGS && out.path("id").longValue() <= 0) {
            throw new BundleException(where + ".id: must be a positive integer");
        }
        return out;
    }

    private static void putDefault(ObjectNode out, FieldSpec f) {
        Object d = f.defaultValue();
        if (d instanceof Boolean b) {
            out.put(f.name(), b);
        } else if (d instanceof Integer i) {
            out.put(f.name(), i);
        } else if (d instanceof String s) {
            out.put(f.name(), s);
        }
    }

    private static JsonNode coerce(String where, FieldSpec f, JsonNode v) throws BundleException {
        String at = where + "." + f.name();
        switch (f.type()) {
            case INT -> {
                if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                    throw new BundleException(at + ": expected an integer, got " + describe(v));
                }
                return v;
            }
            case STRING -> {
                if (!v.isTextual()) {
                    throw new BundleException(at + ": expected a string, got " + describe(v));
                }
                if (f.allowed() != null && !f.allowed().contains(v.textValue())) {
                    throw new BundleException(at + ": '" + v.textValue() + "' is not one of " + new java.util.TreeSet<>(f.allowed()));
                }
                return v;
            }
            case BOOL -> {
                if (!v.isBoolean()) {
                    throw new BundleException(at + ": expected true or false, got " + describe(v));
                }
                return v;
            }
            case DECIMAL -> {
                try {
                    BigDecimal d = v.isNumber() ? v.decimalValue() : v.isTextual() ? new BigDecimal(v.textValue().trim()) : null;
                    if (d == null) {
                        throw new NumberFormatException();
                    }
                    return JsonNodeFactory.instance.textNode(d.toPlainString());
                } catch (NumberFormatException e) {
                    throw new BundleException(at + ": expected a decimal number, got " + describe(v));
                }
            }
            case JSON_OBJECT -> {
                JsonNode obj = v;
                if (v.isTextual()) {
                    try {
                        obj = v.textValue().isBlank() ? JsonNodeFactory.instance.objectNode() : JSON.readTree(v.textValue());
                    } catch (Exception e) {
                        throw new BundleException(at + ": string does not hold valid JSON");
                    }
                }
                if (obj == null || !obj.isObject()) {
                    throw new BundleException(at + ": expected a JSON object or a string holding one, got " + describe(v));
                }
                return obj;
            }
            default -> {
                return v;
            }
        }
    }

    private static String describe(JsonNode v) {
        return v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String idOf(EntityType type, ObjectNode doc) {
        return doc.get(type.idField()).asText();
    }

    private void checkReferences(EntityType type, String id, ObjectNode doc, Map<EntityType, Map<String, ObjectNode>> merged)
            throws BundleException {
        String where = type.bundleKey() + "[" + type.idField() + "=" + id + "]";
        for (FieldSpec f : type.fields().values()) {
            if (f.references() == null || !doc.hasNonNull(f.name())) {
                continue;
            }
            String target = doc.get(f.name()).asText();
            if (!merged.get(f.references()).containsKey(target)) {
                throw new BundleException(where + "." + f.name() + ": " + f.references().itemName() + " " + target + " does not exist");
            }
        }
        if (doc.has("scope") && doc.has("scope_id")) {
            EntityType scopeType = switch (doc.get("scope").asText()) {
                case "org" -> EntityType.ORG;
                case "team" -> EntityType.TEAM;
                default -> EntityType.USER;
            };
            if (!merged.get(scopeType).containsKey(doc.get("scope_id").asText())) {
                throw new BundleException(where + ".scope_id: " + scopeType.itemName() + " " + doc.get("scope_id").asText() + " does not exist");
            }
        }
        if (type == EntityType.USER && doc.hasNonNull("team_id")) {
            ObjectNode team = merged.get(EntityType.TEAM).get(doc.get("team_id").asText());
            if (team.path("org_id").asLong() != doc.path("org_id").asLong()) {
                throw new BundleException(where + ".team_id: team " + doc.get("team_id").asText() + " belongs to another org");
            }
        }
    }

    private void checkSemantics(EntityType type, String id, ObjectNode doc, Map<EntityType, Map<String, ObjectNode>> merged)
            throws BundleException {
        String where = type.bundleKey() + "[" + type.idField() + "=" + id + "]";
        switch (type) {
            case PROVIDER -> {
                if (channels.find(doc.get("channel").asText()).isEmpty()) {
                    throw new BundleException(where + ".channel: unknown channel '" + doc.get("channel").asText() + "'");
                }
                String name = doc.get("name").asText();
                if (name.isEmpty() || name.contains("/") || io.gproxy.protocol.RequestClassifier.RESERVED_PROVIDER_NAMES.contains(name)) {
                    throw new BundleException(where + ".name: '" + name + "' cannot be a provider name");
                }
                checkProxy(where + ".proxy_url", doc.get("proxy_url"));
                checkBaseUrl(where + ".settings_json.base_url", doc.path("settings_json").get("base_url"));
            }
            case INSTANCE_SETTINGS -> checkProxy(where + ".proxy", doc.get("proxy"));
            case ALIAS -> {
                try {
                    Pattern.compile(doc.get("alias").asText());
                } catch (PatternSyntaxException e) {
                    throw new BundleException(where + ".alias: not a valid regular expression");
                }
                String provider = doc.get("provider").asText();
                boolean exists = provider.equals("*") || merged.get(EntityType.PROVIDER).values().stream()
                        .anyMatch(p -> p.path("name").asText().equals(provider));
                if (!exists) {
                    throw new BundleException(where + ".provider: provider '" + provider + "' does not exist");
                }
            }
            case ROUTING_RULE -> {
                if (OperationKey.parse(doc.get("operation").asText(), doc.get("kind").asText()).isEmpty()) {
                    throw new BundleException(where + ".kind: (" + doc.get("operation").asText() + ", "
                            + doc.get("kind").asText() + ") is not a valid operation key");
                }
            }
            case CREDENTIAL -> {
                if (doc.get("secret_json").isEmpty()) {
                    throw new BundleException(where + ".secret_json: is empty");
                }
                checkProxy(where + ".proxy_url", doc.get("proxy_url"));
            }
            case USER_KEY -> {
                if (doc.get("api_key").asText().isBlank()) {
                    throw new BundleException(where + ".api_key: is empty");
                }
            }
            default -> {
            }
        }
    }

    /**
     * A proxy setting must be one the pipeline can use ({@link OutboundProxy#parse}), or a request would find out:
     * the credential skipped at every attempt. The message never echoes the value (it may hold a password).
     */
    private static void checkProxy(String where, JsonNode value) throws BundleException {
        if (value == null || value.isNull()) {
            return;
        }
        try {
            OutboundProxy.parse(value.asText());
        } catch (ChannelException e) {
            throw new BundleException(where + ": " + e.getMessage());
        }
    }

    /** A base URL must be an absolute http(s) URL with a host; the channel appends the operation's path to it. */
    private static void checkBaseUrl(String where, JsonNode value) throws BundleException {
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isTextual()) {
            throw new BundleException(where + ": expected a string");
        }
        java.net.URI uri;
        try {
            uri = new java.net.URI(value.textValue().trim());
        } catch (java.net.URISyntaxException e) {
            throw new BundleException(where + ": not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getHost().isBlank()) {
            throw new BundleException(where + ": must be an http:// or https:// URL with a host");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new BundleException(where + ": must not have a query or fragment");
        }
    }

    private static void checkUnique(Map<EntityType, Map<String, ObjectNode>> merged, EntityType type, String field)
            throws BundleException {
        Map<String, String> seen = new HashMap<>();
        for (Map.Entry<String, ObjectNode> e : merged.get(type).entrySet()) {
            String value = e.getValue().path(field).asText();
            String other = seen.putIfAbsent(value, e.getKey());
            if (other != null) {
                throw new BundleException(type.bundleKey() + "[id=" + e.getKey() + "]." + field + ": '" + value
                        + "' is already used by id " + other, true);
            }
        }
    }

    /** Turns a validated bundle document into the stored document: secrets sealed, key digested, password hashed. */
    private ObjectNode toStored(EntityType type, String id, ObjectNode doc, Map<EntityType, Map<String, ObjectNode>> known,
                                Set<String> digests) throws BundleException {
        ObjectNode out = doc.deepCopy();
        switch (type) {
            case CREDENTIAL -> {
                JsonNode secret = out.remove("secret_json");
                out.put("secret_sealed", cipher.seal(secret.toString(), Credential.secretContext(Long.parseLong(id))));
            }
            case USER_KEY -> {
                String key = out.remove("api_key").asText().trim();
                String digest = KeyDigests.digest(key);
                ObjectNode previous = known.getOrDefault(EntityType.USER_KEY, Map.of()).get(id);
                boolean sameRow = previous != null && digest.equals(previous.path("api_key_digest").asText());
                if (!sameRow && !digests.add(digest)) {
                    throw new BundleException("user_keys[id=" + id + "].api_key: this key is already registered", true);
                }
                out.put("api_key_digest", digest);
                out.put("api_key_sealed", cipher.seal(key, SecretContext.of("user_key", id)));
                out.put("key_preview", keyPreview(key));
            }
            case USER -> {
                JsonNode pw = out.get("password");
                if (pw != null && pw.isTextual() && !isPasswordHash(pw.textValue())) {
                    out.put("password", PasswordHasher.hash(pw.textValue()));
                } else if (pw == null || pw.isNull()) {
                    // an export without passwords must not lock out users who already have one
                    ObjectNode previous = known.getOrDefault(EntityType.USER, Map.of()).get(id);
                    if (previous != null && previous.path("password").isTextual()) {
                        out.set("password", previous.get("password"));
                    }
                }
            }
            default -> {
            }
        }
        return out;
    }

    /**
     * What lists show of a key: its prefix and last four characters. Stored beside the digest so a list never has
     * to open sealed keys (a KMS call each in AWS); four characters of 43 random ones reveal nothing useful.
     */
    public static String keyPreview(String key) {
        String prefix = key.startsWith("sk-") ? "sk-" : "";
        return prefix + "\u2026" + (key.length() > 8 ? key.substring(key.length() - 4) : "");
    }

    private static boolean isPasswordHash(String value) {
        return value.startsWith("pbkdf2-sha256$") || value.startsWith("$argon2");
    }

    /**
     * Routing rules from channel defaults for every provider that will have none of its own after this import.
     * Seeded rows are marked {@code seeded}; when a bundle brings its own rules for a provider, that provider's
     * seeded rows are removed so the two never mix.
     */
    private SeedPlan seedRoutingRules(Map<EntityType, Map<String, ObjectNode>> merged,
                                      Map<String, ObjectNode> incomingRules) {
        Set<Long> bundleCovered = new HashSet<>();
        incomingRules.values().forEach(r -> bundleCovered.add(r.path("provider_id").asLong()));
        List<ConfigStore.ConfigKey> deletes = new ArrayList<>();
        Set<Long> covered = new HashSet<>();
        List<Long> usedIds = new ArrayList<>();
        for (Map.Entry<String, ObjectNode> r : merged.get(EntityType.ROUTING_RULE).entrySet()) {
            long providerId = r.getValue().path("provider_id").asLong();
            boolean seeded = r.getValue().path("seeded").asBoolean(false);
            if (seeded && bundleCovered.contains(providerId) && !incomingRules.containsKey(r.getKey())) {
                deletes.add(new ConfigStore.ConfigKey(EntityType.ROUTING_RULE, r.getKey()));
                continue;
            }
            covered.add(providerId);
            usedIds.add(Long.parseLong(r.getKey()));
        }
        long nextId = GeneratedIds.next(usedIds);
        List<ConfigItem> out = new ArrayList<>();
        for (Map.Entry<String, ObjectNode> p : merged.get(EntityType.PROVIDER).entrySet()) {
            long providerId = Long.parseLong(p.getKey());
            if (covered.contains(providerId)) {
                continue;
            }
            List<ConfigItem> rules = defaultRoutingRules(providerId, p.getValue().path("channel").asText(), nextId);
            nextId += rules.size();
            out.addAll(rules);
        }
        return new SeedPlan(out, deletes);
    }

    private record SeedPlan(List<ConfigItem> puts, List<ConfigStore.ConfigKey> deletes) {}

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
