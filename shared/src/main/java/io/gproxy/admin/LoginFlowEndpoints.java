package io.gproxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.channel.login.LoginException;
import io.gproxy.channel.login.LoginFlowService;
import io.gproxy.config.Provider;
import io.gproxy.pipeline.GatewayError;
import io.gproxy.store.EntityType;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * OAuth login flows that add credentials to {@code claudecode}, {@code codex} and {@code geminicli} providers
 * (spec/core.md §13.4): the admin starts a login, the operator signs in at the provider and pastes back what the
 * provider shows (or enters a device code), and completion creates a sealed {@code oauth} credential through the
 * same CRUD path as any other credential (validation, sealing, config version bump, audit).
 */
final class LoginFlowEndpoints {
    private final LoginFlowService logins;
    private final CrudEngine crud;

    LoginFlowEndpoints(LoginFlowService logins, CrudEngine crud) {
        this.logins = logins;
        this.crud = crud;
    }

    void register(AdminRoutes routes) {
        routes.add("POST", "/admin/login-flows/start", Access.ADMIN, c -> {
            ObjectNode body = c.body();
            Long providerId = body.hasNonNull("provider_id") ? provider(c, body.get("provider_id")).id() : null;
            String channel = channelOf(c, body, providerId);
            Map<String, String> params = params(body);
            LoginFlowService.AuthStarted s = run(() -> logins.start(channel, providerId, text(body, "redirect_uri"), params));
            return Replies.ok(Replies.object().put("login_session_id", s.loginSessionId())
                    .put("authorize_url", s.authorizeUrl()));
        });
        routes.add("POST", "/admin/login-flows/complete", Access.ADMIN, c -> {
            ObjectNode body = c.body();
            Provider p = provider(c, required(body, "provider_id"));
            String pasted = text(body, "callback_url") != null ? text(body, "callback_url") : text(body, "code");
            if (pasted == null) {
                throw GatewayError.badRequest("callback_url or code is required");
            }
            String sid = requiredText(body, "login_session_id");
            LoginFlowService.Completed done = run(() -> logins.complete(sid, p.id(), p.channel(), p.settings(), pasted));
            return Replies.json(201, created(p, done, text(body, "name")));
        });
        routes.add("POST", "/admin/login-flows/device/start", Access.ADMIN, c -> {
            ObjectNode body = c.body();
            Provider p = provider(c, required(body, "provider_id"));
            String channel = body.hasNonNull("channel") ? requiredText(body, "channel") : p.channel();
            Map<String, String> params = params(body);
            if (text(body, "name") != null) {
                params.put("name", text(body, "name")); // the credential is created by a later poll
            }
            LoginFlowService.DeviceStarted s = run(() -> logins.startDevice(channel, p.id(), p.settings(), params));
            return Replies.ok(Replies.object().put("login_session_id", s.loginSessionId()).put("user_code", s.userCode())
                    .put("verification_url", s.verificationUrl()).put("interval_secs", s.intervalSeconds()));
        });
        routes.add("POST", "/admin/login-flows/device/poll", Access.ADMIN, c -> {
            ObjectNode body = c.body();
            String sid = requiredText(body, "login_session_id");
            long pid = body.hasNonNull("provider_id") ? provider(c, body.get("provider_id")).id()
                    : run(() -> logins.providerOf(sid)).orElseThrow(() -> GatewayError.badRequest("provider_id is required"));
            Provider p = c.snapshot().provider(pid).orElseThrow(() -> new GatewayError(404, "provider " + pid + " not found"));
            String name = text(body, "name") != null ? text(body, "name") : run(() -> logins.paramsOf(sid)).get("name");
            LoginFlowService.DevicePolled polled = run(() -> logins.poll(sid, p.id(), p.channel(), p.settings()));
            if (polled.pending()) {
                return Replies.ok(Replies.object().put("status", "pending"));
            }
            ObjectNode out = Replies.object().put("status", "ready");
            out.set("credential", created(p, polled.completed(), name));
            return Replies.ok(out);
        });
    }

    /** The new credential: kind {@code oauth}, weight 100, the secret sealed by the CRUD path. */
    private ObjectNode created(Provider p, LoginFlowService.Completed done, String name) throws GatewayError {
        ObjectNode body = Replies.object()
                .put("name", name != null ? name : done.channel() + " login " + LocalDate.now(ZoneOffset.UTC))
                .put("kind", "oauth").put("weight", 100).put("enabled", true);
        body.set("secret_json", done.secret());
        return crud.upsert(EntityType.CREDENTIAL, body, new Parent(EntityType.PROVIDER, "provider_id", p.id())).view();
    }

    private static String channelOf(AdminCall c, ObjectNode body, Long providerId) throws GatewayError {
        String channel = text(body, "channel");
        if (providerId == null) {
            if (channel == null) {
                throw GatewayError.badRequest("channel or provider_id is required");
            }
            return channel;
        }
        String ofProvider = c.snapshot().provider(providerId).map(Provider::channel).orElseThrow();
        if (channel != null && !channel.equals(ofProvider)) {
            throw GatewayError.badRequest("provider " + providerId + " uses channel " + ofProvider + ", not " + channel);
        }
        return ofProvider;
    }

    private static Provider provider(AdminCall c, JsonNode id) throws GatewayError {
        if (id == null || !id.canConvertToLong()) {
            throw GatewayError.badRequest("provider_id must be a number");
        }
        return c.snapshot().provider(id.asLong())
                .orElseThrow(() -> new GatewayError(404, "provider " + id.asLong() + " not found"));
    }

    private static JsonNode required(ObjectNode body, String field) throws GatewayError {
        if (!body.hasNonNull(field)) {
            throw GatewayError.badRequest(field + " is required");
        }
        return body.get(field);
    }

    private static String requiredText(ObjectNode body, String field) throws GatewayError {
        String v = text(body, field);
        if (v == null) {
            throw GatewayError.badRequest(field + " is required");
        }
        return v;
    }

    private static String text(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        return v != null && v.isTextual() && !v.textValue().isBlank() ? v.textValue().trim() : null;
    }

    /** {@code params}: the operator's hints (Gemini CLI's {@code project_id}), strings only. */
    private static Map<String, String> params(ObjectNode body) throws GatewayError {
        Map<String, String> out = new LinkedHashMap<>();
        JsonNode p = body.get("params");
        if (p == null || p.isNull()) {
            return out;
        }
        if (!p.isObject()) {
            throw GatewayError.badRequest("params must be an object");
        }
        for (var it = p.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().isTextual()) {
                throw GatewayError.badRequest("params." + e.getKey() + " must be a string");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private interface Step<T> {
        T run() throws LoginException;
    }

    /** A login step; its refusals become admin API errors with the login's own status and message. */
    private static <T> T run(Step<T> step) throws GatewayError {
        try {
            return step.run();
        } catch (LoginException e) {
            throw new GatewayError(e.status(), e.getMessage());
        }
    }
}
