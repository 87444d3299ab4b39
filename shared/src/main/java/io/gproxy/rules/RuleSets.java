package io.gproxy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.store.ConfigItem;
import io.gproxy.store.EntityType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Flattens rule sets into each provider's rule list when the snapshot is built (spec/core.md §7.1): attached
 * ({@code provider_rule_sets}) and enabled sets, enabled rules, ordered by kind first
 * ({@code system_text → cache_breakpoint → rewrite → transform → header}), then attachment order, then the rule's
 * {@code sort_order}. A rule that does not compile (unknown kind, bad regex) is left out with a warning.
 */
public final class RuleSets {
    private RuleSets() {}

    public static Map<Long, List<ProviderRule>> compile(List<ConfigItem> items, List<String> warnings) {
        Map<Long, Boolean> setEnabled = new HashMap<>();
        Map<Long, List<ConfigItem>> rulesBySet = new HashMap<>();
        List<ConfigItem> attachments = new ArrayList<>();
        for (ConfigItem i : items) {
            if (i.type() == EntityType.RULE_SET) {
                setEnabled.put(i.numericId(), i.doc().path("enabled").asBoolean(true));
            } else if (i.type() == EntityType.RULE) {
                rulesBySet.computeIfAbsent(i.doc().path("rule_set_id").asLong(), k -> new ArrayList<>()).add(i);
            } else if (i.type() == EntityType.PROVIDER_RULE_SET && i.doc().path("enabled").asBoolean(true)) {
                attachments.add(i);
            }
        }
        attachments.sort(Comparator.comparingInt((ConfigItem i) -> i.doc().path("sort_order").asInt(0))
                .thenComparingLong(ConfigItem::numericId));
        record Ranked(ProviderRule rule, int attachment, int sortOrder, long id) {}
        Map<Long, List<Ranked>> byProvider = new HashMap<>();
        Map<Long, ProviderRule> compiled = new HashMap<>();
        for (int a = 0; a < attachments.size(); a++) {
            ObjectNode att = attachments.get(a).doc();
            long setId = att.path("rule_set_id").asLong();
            if (!setEnabled.getOrDefault(setId, false)) {
                continue;
            }
            for (ConfigItem r : rulesBySet.getOrDefault(setId, List.of())) {
                if (!r.doc().path("enabled").asBoolean(true)) {
                    continue;
                }
                ProviderRule rule = compiled.computeIfAbsent(r.numericId(), id -> compileRule(r, warnings));
                if (rule != null) {
                    byProvider.computeIfAbsent(att.path("provider_id").asLong(), k -> new ArrayList<>())
                            .add(new Ranked(rule, a, r.doc().path("sort_order").asInt(0), r.numericId()));
                }
            }
        }
        Map<Long, List<ProviderRule>> out = new HashMap<>();
        byProvider.forEach((provider, ranked) -> {
            ranked.sort(Comparator.comparingInt((Ranked r) -> r.rule().kind().ordinal())
                    .thenComparingInt(Ranked::attachment).thenComparingInt(Ranked::sortOrder)
                    .thenComparingLong(Ranked::id));
            out.put(provider, ranked.stream().map(Ranked::rule).toList());
        });
        return out;
    }

    private static ProviderRule compileRule(ConfigItem item, List<String> warnings) {
        ObjectNode d = item.doc();
        ProviderRule.Kind kind = ProviderRule.Kind.of(d.path("kind").asText(""));
        if (kind == null) {
            warnings.add("rule " + item.id() + " has an unknown kind; skipped");
            return null;
        }
        Pattern header = null;
        String headerPattern = text(d, "filter_header_pattern");
        if (headerPattern != null) {
            try {
                header = Pattern.compile(headerPattern, Pattern.CASE_INSENSITIVE);
            } catch (PatternSyntaxException e) {
                warnings.add("rule " + item.id() + " has an invalid header pattern; skipped");
                return null;
            }
        }
        Set<String> ops = new HashSet<>();
        JsonNode keys = d.get("filter_operation_keys");
        if (keys != null && keys.isArray()) {
            keys.forEach(k -> ops.add(k.asText()));
        } else if (keys != null && keys.isTextual() && !keys.asText().isBlank()) {
            for (String k : keys.asText().split(",")) {
                ops.add(k.strip());
            }
        }
        JsonNode config = d.get("config_json");
        return new ProviderRule(item.numericId(), kind,
                config instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode(),
                text(d, "filter_model_pattern"), Set.copyOf(ops), header);
    }

    private static String text(ObjectNode d, String field) {
        JsonNode n = d.get(field);
        return n != null && n.isTextual() && !n.asText().isBlank() ? n.asText() : null;
    }
}
