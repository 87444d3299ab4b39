package io.gproxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.config.User;
import io.gproxy.crypto.PasswordHasher;
import io.gproxy.pipeline.GatewayError;
import io.gproxy.store.ConfigItem;
import io.gproxy.store.EntityType;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The user portal (spec/core.md §13.7): session cookie only, and the user is always the session's. Another
 * user's key id answers 404 exactly like a missing one, so ids reveal nothing.
 */
final class PortalEndpoints {
    private final CrudEngine crud;
    private final UsageViews usage;
    private final LoginThrottle throttle;

    PortalEndpoints(CrudEngine crud, UsageViews usage, LoginThrottle throttle) {
        this.crud = crud;
        this.usage = usage;
        this.throttle = throttle;
    }

    void register(AdminRoutes routes) {
        routes.add("GET", "/user/keys", Access.SESSION, c -> Replies.ok(Replies.items(
                crud.list(c.snapshot(), EntityType.USER_KEY, own(c)))));
        routes.add("POST", "/user/keys", Access.SESSION, c -> {
            ObjectNode body = keyFields(c.body());
            return EntityEndpoints.upserted(crud.upsert(EntityType.USER_KEY, body, own(c)));
        });
        routes.add("PATCH", "/user/keys/{id}", Access.SESSION, c -> {
            ConfigItem key = ownKey(c);
            ObjectNode body = keyFields(c.body());
            body.put("id", key.numericId());
            return EntityEndpoints.upserted(crud.upsert(EntityType.USER_KEY, body, own(c)));
        });
        routes.add("DELETE", "/user/keys/{id}", Access.SESSION, c -> {
            crud.delete(EntityType.USER_KEY, ownKey(c).id());
            return Replies.noContent();
        });
        routes.add("GET", "/user/usage", Access.SESSION, c -> Replies.ok(usage.list(c, c.caller().user().id())));
        routes.add("GET", "/user/usage-rollups", Access.SESSION, c -> Replies.ok(usage.rollups(c, c.caller().user().id())));
        routes.add("GET", "/user/quota", Access.SESSION, c -> Replies.ok(Replies.items(effective(c, EntityType.QUOTA))));
        routes.add("GET", "/user/rate-limits", Access.SESSION, c -> Replies.ok(Replies.items(effective(c, EntityType.RATE_LIMIT))));
        routes.add("GET", "/user/route-permissions", Access.SESSION,
                c -> Replies.ok(Replies.items(effective(c, EntityType.ROUTE_PERMISSION))));
        routes.add("POST", "/user/change-password", Access.SESSION, this::changePassword);
    }

    private static Parent own(AdminCall c) {
        return new Parent(EntityType.USER, "user_id", c.caller().user().id());
    }

    private static ConfigItem ownKey(AdminCall c) throws GatewayError {
        String id = Long.toString(c.id("id"));
        Optional<ConfigItem> key = CrudEngine.find(c.snapshot().items(), EntityType.USER_KEY, id);
        if (key.isEmpty() || key.get().doc().path("user_id").asLong() != c.caller().user().id()) {
            throw CrudEngine.notFound(EntityType.USER_KEY, id);
        }
        return key.get();
    }

    /** Only a key's label and enabled flag are the user's to set. */
    /**
     * What a user may set on their own key: a label and the enabled flag. {@code user_id} is tolerated and ignored
     * (the session decides whose key it is); anything else is refused rather than silently dropped.
     */
    private static ObjectNode keyFields(ObjectNode body) throws GatewayError {
        ObjectNode out = Replies.object();
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("label") && !f.equals("enabled") && !f.equals("user_id") && !f.equals("id")
                    && !EntityViews.VIEW_ONLY.contains(f)) {
                throw GatewayError.badRequest("unknown field for your key (label and enabled only)");
            }
        }
        for (String f : List.of("label", "enabled")) {
            if (body.has(f)) {
                out.set(f, body.get(f));
            }
        }
        return out;
    }

    /** The caller's scoped rows: their own, their team's and their org's, each tagged with where it comes from. */
    private static List<ObjectNode> effective(AdminCall c, EntityType type) {
        User u = c.caller().user();
        List<ObjectNode> out = new ArrayList<>();
        for (ConfigItem i : CrudEngine.sorted(c.snapshot().items(), type)) {
            String scope = i.doc().path("scope").asText();
            long scopeId = i.doc().path("scope_id").asLong(-1);
            boolean mine = switch (scope) {
                case "user" -> scopeId == u.id();
                case "team" -> u.teamId() != null && scopeId == u.teamId();
                case "org" -> scopeId == u.orgId();
                default -> false;
            };
            if (mine) {
                out.add(EntityViews.view(type, i.doc()).put("source", scope));
            }
        }
        return out;
    }

    /**
     * {@code {"current","new"}} and nothing else: any other field is refused (400) before the password is checked,
     * so a request that carries something the change would not apply never changes the password.
     */
    private io.gproxy.http.HttpResponse changePassword(AdminCall c) throws GatewayError {
        ObjectNode body = c.body();
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("current") && !f.equals("new")) {
                throw GatewayError.badRequest("unknown field for a password change (current and new only)");
            }
        }
        JsonNode current = body.get("current");
        JsonNode next = body.get("new");
        if (current == null || !current.isTextual() || next == null || !next.isTextual() || next.textValue().isBlank()) {
            throw GatewayError.badRequest("current and new (non-blank) passwords are required");
        }
        User u = c.caller().user();
        Optional<Long> wait = throttle.lockedFor(u.name(), c.clientIp());
        if (wait.isPresent()) {
            throw new GatewayError(429, "too many failed attempts; try again later", wait.get());
        }
        if (!PasswordHasher.verify(current.textValue(), u.passwordHash())) {
            throttle.failed(u.name(), c.clientIp());
            throw new GatewayError(403, "current password is wrong");
        }
        ObjectNode update = Replies.object().put("id", u.id()).put("password", next.textValue());
        crud.upsert(EntityType.USER, update, null);
        return Replies.noContent();
    }
}
