package io.gproxy.tests.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The import bundle every gateway of a bench run serves: three providers on the loopback mocks, one user key, and
 * routing rules that pass same-protocol traffic through and convert the cross-protocol pairs the streaming row
 * measures ({@code transform_to}). The anthropic provider has no rules, so it gets its channel's defaults.
 */
final class BenchBundle {
    static final String USER_KEY = "sk-bench-user-key-00000000000000000000000000";
    static final String ADMIN_KEY = "sk-bench-admin-key-0000000000000000000000000";
    static final String OPENAI_KEY = "sk-upstream-openai";
    static final String ANTHROPIC_KEY = "sk-ant-upstream";
    static final String GEMINI_KEY = "AIza-upstream";

    static final String OPENAI_MODEL = "gpt-4o-mini";
    static final String CLAUDE_MODEL = "claude-sonnet-4-5";
    static final String GEMINI_MODEL = "gemini-2.5-flash";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long OPENAI = 1;
    private static final long ANTHROPIC = 2;
    private static final long GEMINI = 3;

    private BenchBundle() {}

    static String build(String openAiBase, String anthropicBase, String geminiBase) {
        ObjectNode root = JSON.createObjectNode();
        root.put("schema_version", 1);
        root.putArray("orgs").addObject().put("id", 1).put("name", "bench").put("enabled", true);
        ArrayNode users = root.putArray("users");
        users.addObject().put("id", 1).put("name", "admin").put("org_id", 1).put("enabled", true).put("is_admin", true);
        users.addObject().put("id", 2).put("name", "bench").put("org_id", 1).put("enabled", true).put("is_admin", false);
        ArrayNode keys = root.putArray("user_keys");
        keys.addObject().put("id", 1).put("user_id", 1).put("api_key", ADMIN_KEY).put("label", "bench admin").put("enabled", true);
        keys.addObject().put("id", 2).put("user_id", 2).put("api_key", USER_KEY).put("label", "bench").put("enabled", true);
        root.putArray("route_permissions").addObject().put("id", 1).put("scope", "org").put("scope_id", 1).put("route_pattern", "*");

        ArrayNode providers = root.putArray("providers");
        provider(providers, OPENAI, "openai", "openai", openAiBase);
        provider(providers, ANTHROPIC, "anthropic", "claudeapi", anthropicBase);
        provider(providers, GEMINI, "gemini", "aistudio", geminiBase);
        ArrayNode creds = root.putArray("credentials");
        credential(creds, OPENAI, OPENAI_KEY);
        credential(creds, ANTHROPIC, ANTHROPIC_KEY);
        credential(creds, GEMINI, GEMINI_KEY);
        ArrayNode models = root.putArray("provider_models");
        models.addObject().put("id", 1).put("provider_id", OPENAI).put("model_id", OPENAI_MODEL).put("enabled", true);
        models.addObject().put("id", 2).put("provider_id", ANTHROPIC).put("model_id", CLAUDE_MODEL).put("enabled", true);
        models.addObject().put("id", 3).put("provider_id", GEMINI).put("model_id", GEMINI_MODEL).put("enabled", true);

        Rules rules = new Rules(root.putArray("routing_rules"));
        // openai: every OpenAI surface passes through; Claude and Gemini clients are converted to Chat Completions.
        rules.pass(OPENAI, "list_models", "open_ai").pass(OPENAI, "get_model", "open_ai")
                .passContent(OPENAI, "open_ai_chat_completions").passContent(OPENAI, "open_ai_responses")
                .contentTo(OPENAI, "claude_messages", "open_ai_chat_completions")
                .contentTo(OPENAI, "gemini_generate_content", "open_ai_chat_completions")
                .pass(OPENAI, "create_embedding", "open_ai").pass(OPENAI, "create_image", "open_ai")
                .pass(OPENAI, "compact_content", "open_ai").pass(OPENAI, "create_conversation", "open_ai");
        // gemini: Gemini passes through; Chat clients are converted to generateContent.
        rules.pass(GEMINI, "list_models", "gemini").pass(GEMINI, "count_tokens", "gemini")
                .passContent(GEMINI, "gemini_generate_content")
                .contentTo(GEMINI, "open_ai_chat_completions", "gemini_generate_content");
        root.putArray("instance_settings").addObject().put("instance_name", "bench").put("enable_usage", true);
        return root.toString();
    }

    private static void provider(ArrayNode providers, long id, String name, String channel, String baseUrl) {
        ObjectNode p = providers.addObject().put("id", id).put("name", name).put("channel", channel).put("enabled", true);
        p.putObject("settings_json").put("base_url", baseUrl);
    }

    private static void credential(ArrayNode creds, long provider, String key) {
        ObjectNode c = creds.addObject().put("id", provider).put("provider_id", provider).put("name", "bench-" + provider)
                .put("kind", "api_key").put("weight", 100).put("enabled", true);
        c.putObject("secret_json").put("api_key", key);
    }

    private static final class Rules {
        private final ArrayNode out;
        private long nextId = 1;

        Rules(ArrayNode out) {
            this.out = out;
        }

        Rules pass(long provider, String operation, String kind) {
            rule(provider, operation, kind, "passthrough", null, null);
            return this;
        }

        Rules passContent(long provider, String kind) {
            return pass(provider, "generate_content", kind).pass(provider, "stream_generate_content", kind);
        }

        Rules contentTo(long provider, String from, String to) {
            rule(provider, "generate_content", from, "transform_to", "generate_content", to);
            rule(provider, "stream_generate_content", from, "transform_to", "stream_generate_content", to);
            return this;
        }

        private void rule(long provider, String operation, String kind, String impl, String destOp, String destKind) {
            ObjectNode r = out.addObject().put("id", nextId).put("provider_id", provider).put("operation", operation)
                    .put("kind", kind).put("implementation", impl);
            if (destOp != null) {
                r.put("dest_operation", destOp).put("dest_kind", destKind);
            }
            r.put("sort_order", nextId++).put("enabled", true);
        }
    }
}
