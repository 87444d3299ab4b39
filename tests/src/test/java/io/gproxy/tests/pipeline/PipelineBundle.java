package io.gproxy.tests.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.tests.mock.MockUpstream;

/** Bundle edits the pipeline tests share: extra OpenAI-channel providers on their own mocks, routes, members. */
final class PipelineBundle {
    static final ObjectMapper JSON = new ObjectMapper();

    private PipelineBundle() {}

    /** An {@code openai}-channel provider {@code name} (id {@code id}) with one credential (same id) on {@code mock}. */
    static void openAiProvider(ObjectNode root, int id, String name, MockUpstream mock) {
        ObjectNode p = ((ArrayNode) root.get("providers")).addObject();
        p.put("id", id).put("name", name).put("channel", "openai").put("label", name)
                .put("credential_strategy", "round_robin").put("enabled", true);
        p.putObject("settings_json").put("base_url", mock.baseUrl());
        ObjectNode c = ((ArrayNode) root.get("credentials")).addObject();
        c.put("id", id).put("provider_id", id).put("name", name + "-key").put("kind", "api_key")
                .put("weight", 100).put("enabled", true);
        c.putObject("secret_json").put("api_key", "sk-upstream-" + name + "-0123456789");
        ((ArrayNode) root.get("provider_models")).addObject().put("id", id).put("provider_id", id)
                .put("model_id", "gpt-4o-mini").put("enabled", true);
    }

    static void route(ObjectNode root, int id, String name, String strategy) {
        ((ArrayNode) root.get("routes")).addObject().put("id", id).put("name", name).put("strategy", strategy)
                .put("enabled", true);
    }

    static void member(ObjectNode root, int id, int routeId, int providerId, int tier) {
        ((ArrayNode) root.get("route_members")).addObject().put("id", id).put("route_id", routeId)
                .put("provider_id", providerId).put("upstream_model_id", "gpt-4o-mini").put("weight", 100)
                .put("tier", tier).put("enabled", true);
    }

    static String chat(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }
}
