package io.gproxy.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.config.ConfigSnapshot;
import io.gproxy.config.User;
import io.gproxy.crypto.PasswordHasher;
import io.gproxy.http.HttpResponse;
import io.gproxy.pipeline.GatewayError;

import java.util.Optional;

/**
 * Login, logout and identity (spec/core.md §5.3, §13.1). Login is throttled before the password is checked, and
 * an unknown user costs the same hashing work as a wrong password, so timing does not reveal which names exist.
 */
final class AuthEndpoints {
    /**
     * Verified against when the user does not exist, to spend the same time as a real check. Made on first use, not
     * at class load: no hashing work (or randomness) during Lambda init and before a SnapStart checkpoint.
     */
    private static final class Dummy {
        static final String HASH = PasswordHasher.hash(PasswordHasher.randomPassword());
    }

    private final Sessions sessions;
    private final LoginThrottle throttle;
    private final AuditLog audit;

    AuthEndpoints(Sessions sessions, LoginThrottle throttle, AuditLog audit) {
        this.sessions = sessions;
        this.throttle = throttle;
        this.audit = audit;
    }

    void register(AdminRoutes routes) {
        routes.add("POST", "/admin/login", Access.PUBLIC, this::login);
        routes.add("POST", "/admin/logout", Access.PUBLIC, c -> {
            sessions.close(Sessions.tokenFrom(c.request().headers()));
            HttpResponse r = Replies.noContent();
            r.headers().set("set-cookie", Sessions.clearCookie());
            return r;
        });
        routes.add("GET", "/admin/me", Access.ADMIN, c -> Replies.ok(identity(c.caller().user())));
        routes.add("GET", "/user/me", Access.SESSION, c -> {
            User u = c.caller().user();
            ObjectNode n = identity(u);
            c.snapshot().org(u.orgId()).ifPresentOrElse(o -> n.put("org_name", o.name()), () -> n.putNull("org_name"));
            Optional.ofNullable(u.teamId()).flatMap(t -> c.snapshot().team(t))
                    .ifPresentOrElse(t -> n.put("team_name", t.name()), () -> n.putNull("team_name"));
            return Replies.ok(n);
        });
    }

    static ObjectNode identity(User u) {
        ObjectNode n = Replies.object().put("id", u.id()).put("name", u.name()).put("is_admin", u.admin())
                .put("org_id", u.orgId());
        if (u.teamId() != null) {
            n.put("team_id", u.teamId());
        } else {
            n.putNull("team_id");
        }
        return n;
    }

    private HttpResponse login(AdminCall c) throws GatewayError {
        ObjectNode body = c.body();
        String name = body.path("username").asText("");
        String password = body.path("password").asText("");
        if (name.isBlank() || password.isEmpty() || !body.path("username").isTextual() || !body.path("password").isTextual()) {
            throw GatewayError.badRequest("username and password are required");
        }
        Optional<Long> wait = throttle.lockedFor(name, c.clientIp());
        if (wait.isPresent()) {
            audit.record(c.snapshot(), null, name, "login.throttled", c.request().rawPath(), 429, c.clientIp());
            throw new GatewayError(429, "too many failed logins; try again later", wait.get());
        }
        Optional<User> user = byName(c.snapshot(), name);
        String hash = user.map(User::passwordHash).orElse(null);
        boolean ok = PasswordHasher.verify(password, hash != null ? hash : Dummy.HASH)
                && hash != null && user.get().enabled();
        if (!ok) {
            throttle.failed(name, c.clientIp());
            audit.record(c.snapshot(), user.orElse(null), name, "login.fail", c.request().rawPath(), 401, c.clientIp());
            throw new GatewayError(401, "invalid username or password");
        }
        throttle.succeeded(name);
        String token = sessions.open(user.get().id());
        audit.record(c.snapshot(), user.get(), name, "login.success", c.request().rawPath(), 200, c.clientIp());
        ObjectNode out = Replies.object();
        out.putObject("user").put("id", user.get().id()).put("name", user.get().name())
                .put("is_admin", user.get().admin());
        HttpResponse r = Replies.ok(out);
        r.headers().set("set-cookie", Sessions.setCookie(token));
        return r;
    }

    private static Optional<User> byName(ConfigSnapshot snapshot, String name) {
        return snapshot.users().stream().filter(u -> u.name().equals(name)).findFirst();
    }
}
