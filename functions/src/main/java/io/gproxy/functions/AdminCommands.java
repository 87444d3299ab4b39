package io.gproxy.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.app.Bootstrap;
import io.gproxy.app.BundleException;
import io.gproxy.app.Gateway;
import io.gproxy.app.ImportReport;

/**
 * Operator commands the admin function accepts only through a direct Lambda invoke ({@code aws lambda invoke
 * --payload '{"gproxy":"bootstrap"}'}), never through its URL: a Function URL event always has a
 * {@code requestContext}, and its client cannot set top-level event fields. Only principals allowed to invoke the
 * function in the account can run them; their answers (a generated password and key) go to the caller only and
 * are never logged.
 */
final class AdminCommands {
    private AdminCommands() {}

    static boolean isCommand(JsonNode event) {
        return event.path("gproxy").isTextual() && !event.has("requestContext");
    }

    static ObjectNode run(Gateway gateway, JsonNode event) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        String command = event.path("gproxy").asText();
        switch (command) {
            case "bootstrap" -> {
                Bootstrap.Result r = gateway.bootstrap().run();
                gateway.configCache().reload();
                out.put("admin", r.adminName());
                if (r.firstStart()) {
                    out.put("api_key", r.apiKey());
                    if (r.password() != null) {
                        out.put("password", r.password());
                    }
                } else {
                    out.put("status", "already initialised: the admin has a password; nothing was generated");
                }
            }
            case "import" -> {
                JsonNode bundle = event.get("bundle");
                try {
                    ImportReport report = gateway.importer().importBundle(bundle);
                    gateway.configCache().reload();
                    ObjectNode counts = out.putObject("imported");
                    report.counts().forEach(counts::put);
                    out.put("seeded_routing_rules", report.seededRoutingRules());
                    report.warnings().forEach(out.withArray("warnings")::add);
                } catch (BundleException e) {
                    out.put("error", "import failed, nothing imported: " + e.getMessage());
                }
            }
            default -> out.put("error", "unknown command '" + command + "' (known: bootstrap, import)");
        }
        return out;
    }
}
