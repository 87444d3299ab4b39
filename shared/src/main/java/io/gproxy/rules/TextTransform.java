package io.gproxy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code transform} kind: string replacement ({@code actions[]}: {@code replace_text{from?, with}},
 * {@code replace_regex{pattern, with}}) on the strings a {@code locate} finds: {@code path}, {@code paths} (with
 * {@code *}), or {@code match}, a regex over the serialized body whose matches are the text to act on. {@code limit}
 * caps the replacements per body (0 or absent: no cap).
 */
final class TextTransform {
    private TextTransform() {}

    /** Applies the rule to a JSON document in place, or returns a new serialized body for {@code match}. */
    static String apply(ObjectNode rule, JsonNode body, String serialized) {
        JsonNode locate = rule.path("locate");
        int[] budget = {rule.path("limit").asInt(0) <= 0 ? Integer.MAX_VALUE : rule.path("limit").asInt()};
        List<String> paths = new java.util.ArrayList<>();
        if (locate.hasNonNull("path")) {
            paths.add(locate.get("path").asText());
        }
        locate.path("paths").forEach(p -> paths.add(p.asText()));
        if (!paths.isEmpty()) {
            if (body == null) {
                throw new RuleException("path locate needs a JSON body");
            }
            for (String path : paths) {
                for (JsonPath.Slot slot : JsonPath.findStrings(body, path)) {
                    slot.put(actions(rule, slot.get(), budget));
                }
            }
            return null;
        }
        String text = serialized != null ? serialized : body.toString();
        if (locate.hasNonNull("match")) {
            Matcher m = Pattern.compile(locate.get("match").asText()).matcher(text);
            StringBuilder out = new StringBuilder();
            while (m.find() && budget[0] > 0) {
                m.appendReplacement(out, Matcher.quoteReplacement(actions(rule, m.group(), budget)));
            }
            m.appendTail(out);
            return out.toString();
        }
        return actions(rule, text, budget); // no locate: the whole serialized body
    }

    private static String actions(ObjectNode rule, String text, int[] budget) {
        String s = text;
        for (JsonNode a : rule.path("actions")) {
            if (budget[0] <= 0) {
                break;
            }
            JsonNode replaceText = a.get("replace_text");
            JsonNode replaceRegex = a.get("replace_regex");
            if (replaceText != null) {
                String with = replaceText.path("with").asText("");
                if (!replaceText.hasNonNull("from")) {
                    s = with; // no "from": the whole located string
                    budget[0]--;
                    continue;
                }
                String from = replaceText.get("from").asText();
                if (from.isEmpty()) {
                    continue;
                }
                StringBuilder out = new StringBuilder();
                int at = 0;
                int hit;
                while (budget[0] > 0 && (hit = s.indexOf(from, at)) >= 0) {
                    out.append(s, at, hit).append(with);
                    at = hit + from.length();
                    budget[0]--;
                }
                s = out.append(s.substring(at)).toString();
            } else if (replaceRegex != null) {
                Matcher m = Pattern.compile(replaceRegex.path("pattern").asText()).matcher(s);
                StringBuilder out = new StringBuilder();
                while (budget[0] > 0 && m.find()) {
                    m.appendReplacement(out, replaceRegex.path("with").asText(""));
                    budget[0]--;
                }
                m.appendTail(out);
                s = out.toString();
            } else {
                throw new RuleException("unknown transform action");
            }
        }
        return s;
    }
}
