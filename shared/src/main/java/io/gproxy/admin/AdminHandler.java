package io.gproxy.admin;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.config.ConfigSnapshot;
import io.gproxy.config.KeyIdentity;
import io.gproxy.http.HttpRequest;
import io.gproxy.http.HttpResponse;
import io.gproxy.pipeline.Authenticator;
import io.gproxy.pipeline.GatewayError;

/**
 * The admin function's surface. For now the ops endpoints {@code /healthz} and {@code /version}, gated like the
 * reference (an admin user's API key); the admin API, portal and console arrive with the admin issue.
 */
public final class AdminHandler {
    private final String version;

    public AdminHandler(String version) {
        this.version = version;
    }

    public HttpResponse handle(HttpRequest request, ConfigSnapshot snapshot) throws GatewayError {
        String path = request.rawPath();
        if (!path.equals("/healthz") && !path.equals("/version")) {
            throw new GatewayError(404, "not found");
        }
        if (!request.method().equals("GET")) {
            throw new GatewayError(405, "method not allowed");
        }
        KeyIdentity identity = Authenticator.authenticate(request, snapshot);
        if (!identity.user().admin()) {
            throw new GatewayError(403, "forbidden");
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        if (path.equals("/healthz")) {
            body.put("status", "ok");
            body.put("config_version", snapshot.version());
        } else {
            body.put("version", version);
        }
        return HttpResponse.json(200, body.toString());
    }
}
