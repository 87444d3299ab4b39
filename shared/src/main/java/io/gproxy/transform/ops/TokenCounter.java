package io.gproxy.transform.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Local token counting (spec/surface.md §6): harvest the text of any provider-native body without knowing its
 * dialect, count it with a BPE encoding chosen by model, and add 4 tokens per message. Never fails.
 *
 * <p>Encodings come from jtokkit's lazy registry (spec/aws.md §B5): nothing is loaded until the first count (or
 * {@link #prime()}, which the SnapStart priming calls so the 130–250 ms load lands in the snapshot). Each encoding
 * is held in its own holder class, so loading is once and thread-safe.
 *
 * <p>Model to encoding is our own table, because jtokkit's lookup is outdated (it gives {@code gpt-4.1}
 * cl100k_base): {@code o200k_base} for the {@code gpt-4o}, {@code chatgpt-4o}, {@code gpt-4.1}, {@code gpt-4.5},
 * {@code gpt-5}, {@code gpt-oss}, {@code o1}, {@code o3}, {@code o4} prefixes; {@code cl100k_base} for
 * {@code gpt-3.5}, {@code gpt-4} and the {@code text-embedding-} models; every other model (Claude, Gemini, open
 * models) is counted with {@code cl100k_base} as a generic estimate — the reference's Hugging Face tokenizer ladder
 * is not carried (no downloads in a Lambda). The model is matched on its last path segment, lower-cased, so
 * {@code openai/gpt-4o} and {@code models/gemini-2.5-flash} work.
 *
 * <p>Text is counted with {@code countTokensOrdinary}: client text may contain special-token strings such as
 * {@code <|endoftext|>}, which {@code countTokens} would refuse.
 */
public final class TokenCounter {
    /** The fixed overhead per message (spec/surface.md §6 step 4). */
    public static final int TOKENS_PER_MESSAGE = 4;

    /** String values under these keys are text. */
    private static final Set<String> TEXT_KEYS = Set.of("text", "content", "input", "instructions", "system",
            "arguments", "output");
    /** Non-string values under these keys are counted as their serialized JSON (definitions, not prose). */
    private static final Set<String> SERIALIZED_KEYS = Set.of("tools", "tool_choice", "system");
    /** The message count is the length of the largest array under one of these keys. */
    private static final Set<String> MESSAGE_KEYS = Set.of("messages", "contents", "input");

    private static final List<String> O200K_PREFIXES = List.of("gpt-4o", "chatgpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5",
            "gpt-oss", "o1", "o3", "o4");
    private static final List<String> CL100K_PREFIXES = List.of("gpt-3.5", "gpt-4", "text-embedding-");

    private TokenCounter() {}

    /** What a body holds for counting: its texts in document order and its message count. */
    public record Harvest(List<String> texts, int messageCount) {
        public String joined() {
            return String.join("\n", texts);
        }
    }

    /** Counts a provider-native request body for the given model: harvested text plus 4 per message. */
    public static int countBody(JsonNode body, String model) {
        Harvest h = harvest(body);
        long n = (long) countText(h.joined(), model) + (long) h.messageCount() * TOKENS_PER_MESSAGE;
        return (int) Math.min(Integer.MAX_VALUE, n);
    }

    /** Tokens of one text with the model's encoding; 0 for null or empty. */
    public static int countText(String text, String model) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        return encodingFor(model).countTokensOrdinary(text);
    }

    /** The encoding name the table picks for a model ({@code o200k_base} or {@code cl100k_base}). */
    public static String encodingName(String model) {
        return usesO200k(model) ? EncodingType.O200K_BASE.getName() : EncodingType.CL100K_BASE.getName();
    }

    /** Loads both encodings and runs them once: for the SnapStart before-checkpoint priming. */
    public static void prime() {
        O200k.ENCODING.countTokensOrdinary("prime <|endoftext|> ünïcode 日本語 {\"json\": [1, 2]}");
        Cl100k.ENCODING.countTokensOrdinary("prime <|endoftext|> ünïcode 日本語 {\"json\": [1, 2]}");
    }

    static Encoding encodingFor(String model) {
        return usesO200k(model) ? O200k.ENCODING : Cl100k.ENCODING;
    }

    private static boolean usesO200k(String model) {
        String m = normalise(model);
        if (m.isEmpty()) {
            return false;
        }
        for (String p : O200K_PREFIXES) {
            if (m.startsWith(p)) {
                return true;
            }
        }
        for (String p : CL100K_PREFIXES) {
            if (m.startsWith(p)) {
                return false;
            }
        }
        return false; // generic estimate: cl100k_base
    }

    private static String normalise(String model) {
        if (model == null) {
            return "";
        }
        String m = model.trim().toLowerCase(Locale.ROOT);
        int slash = m.lastIndexOf('/');
        return slash >= 0 ? m.substring(slash + 1) : m;
    }

    // ---- harvest --------------------------------------------------------------------------------------------------

    /**
     * Walks the tree: string values under {@code text}, {@code content}, {@code input}, {@code instructions},
     * {@code system} (plus {@code arguments} and {@code output}, which hold tool-call text in OpenAI bodies) are
     * collected; a non-null, non-string {@code tools}, {@code tool_choice} or {@code system} is collected as its
     * serialized JSON and not walked further (so its strings are not counted twice); everything else is walked.
     */
    public static Harvest harvest(JsonNode body) {
        List<String> texts = new ArrayList<>();
        int[] messages = {0};
        if (body != null) {
            walk(body, texts, messages, 0);
        }
        return new Harvest(texts, messages[0]);
    }

    private static void walk(JsonNode node, List<String> texts, int[] messages, int depth) {
        if (depth > 256) {
            return;
        }
        if (node.isArray()) {
            for (JsonNode item : node) {
                walk(item, texts, messages, depth + 1);
            }
            return;
        }
        if (!node.isObject()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode value = e.getValue();
            if (value == null || value.isNull()) {
                continue;
            }
            if (MESSAGE_KEYS.contains(key) && value.isArray()) {
                messages[0] = Math.max(messages[0], value.size());
            }
            if (value.isTextual()) {
                if (TEXT_KEYS.contains(key)) {
                    texts.add(value.textValue());
                }
            } else if (SERIALIZED_KEYS.contains(key) && (value.isObject() || value.isArray())) {
                texts.add(value.toString());
            } else if (value.isContainerNode()) {
                walk(value, texts, messages, depth + 1);
            }
        }
    }

    // ---- lazily loaded encodings ------------------------------------------------------------------------------

    private static final class Registry {
        static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();
    }

    private static final class O200k {
        static final Encoding ENCODING = Registry.REGISTRY.getEncoding(EncodingType.O200K_BASE);
    }

    private static final class Cl100k {
        static final Encoding ENCODING = Registry.REGISTRY.getEncoding(EncodingType.CL100K_BASE);
    }
}
