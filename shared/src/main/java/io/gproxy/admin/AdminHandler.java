package io.gproxy.admin;

import io.gproxy.channel.login.LoginFlowService;
import io.gproxy.channel.pool.SharedCredentialHealth;
import io.gproxy.store.CaptureStore;
import io.gproxy.store.HealthStore;

import io.gproxy.app.BundleExporter;
import io.gproxy.app.BundleImporter;
import io.gproxy.channel.CatalogRefresher;
import io.gproxy.channel.ChannelRegistry;
import io.gproxy.config.ConfigCache;
import io.gproxy.config.ConfigSnapshot;
import io.gproxy.config.KeyIdentity;
import io.gproxy.crypto.SecretCipher;
import io.gproxy.http.HttpRequest;
import io.gproxy.http.HttpResponse;
import io.gproxy.pipeline.Authenticator;
import io.gproxy.pipeline.ErrorResponses;
import io.gproxy.pipeline.GatewayError;
import io.gproxy.store.AuditStore;
import io.gproxy.store.ConfigStore;
import io.gproxy.store.LoginThrottleStore;
import io.gproxy.store.SessionStore;
import io.gproxy.store.UsageReader;

import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/**
 * The admin function's surface: the admin API, the user portal and the ops endpoints ({@code /healthz},
 * {@code /version}), buffered JSON over the same code locally and on Lambda. Per request: match the route (404,
 * 405 with {@code Allow}), check CSRF for cookie-carrying writes (403), authenticate (401) and authorise (403),
 * run the endpoint, and audit writes and reveals.
 */
public final class AdminHandler {
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    /** Everything the admin surface needs, built by {@code Gateway}. */
    public record Services(String version, ConfigStore store, ConfigCache cache, SecretCipher cipher,
                           ChannelRegistry channels, BundleImporter importer, CatalogRefresher catalog,
                           SessionStore sessions, LoginThrottleStore loginThrottle, AuditStore audit,
                           UsageReader usage, Clock clock, boolean behindCloudFront, LoginFlowService loginFlows,
                           HealthStore health, SharedCredentialHealth healthState, CaptureStore captures) {}

    private final AdminRoutes routes = new AdminRoutes();
    private final ConfigStore store;
    private final ConfigCache cache;
    private final Sessions sessions;
    private final AuditLog audit;
    private final ClientIp clientIp;

    public AdminHandler(Services s) {
        this.store = s.store();
        this.cache = s.cache();
        this.sessions = new Sessions(s.sessions(), s.clock());
        this.audit = new AuditLog(s.audit(), s.clock());
        this.clientIp = new ClientIp(s.behindCloudFront());
        LoginThrottle throttle = new LoginThrottle(s.loginThrottle(), s.clock());
        ConfigWriter writer = new ConfigWriter(s.store(), s.cache());
        CrudEngine crud = new CrudEngine(writer, s.importer(), new EntityHooks(s.importer()));
        UsageViews usage = new UsageViews(s.usage(), s.clock());

        routes.add("GET", "/healthz", Access.ADMIN, c -> Replies.ok(Replies.object().put("status", "ok")
                .put("config_version", c.snapshot().version())));
        routes.add("GET", "/version", Access.ADMIN, c -> Replies.ok(Replies.object().put("version", s.version())));
        new AuthEndpoints(sessions, throttle, audit).register(routes);
        new EntityEndpoints(crud).register(routes);
        new SecretEndpoints(s.cipher()).register(routes);
        new ProviderEndpoints(s.channels(), writer, s.importer(), s.catalog(), s.cipher()).register(routes);
        new SettingsEndpoints(writer, s.importer()).register(routes);
        new ObservabilityEndpoints(usage, s.audit(), writer, new BundleExporter(s.cipher()), s.clock()).register(routes);
        new PortalEndpoints(crud, usage, throttle).register(routes);
        new LoginFlowEndpoints(s.loginFlows(), crud).register(routes);
        new HealthAndLogEndpoints(s.health(), s.healthState(), s.captures(), s.clock()).register(routes);
    }

    public HttpResponse handle(HttpRequest request, ConfigSnapshot snapshot) throws GatewayError {
        String path = request.rawPath();
        AdminRoutes.Match match = routes.find(request.method(), path);
        if (match == null) {
            throw new GatewayError(404, "not found");
        }
        if (match.registered() == null) {
            return Replies.methodNotAllowed(match.allowed());
        }
        String ip = clientIp.of(request);
        boolean write = !SAFE.contains(request.method());
        String token = Sessions.tokenFrom(request.headers());
        // CSRF first (spec/core.md §5.3): a forged cross-site write must not even reach authentication
        if (write && token != null && !Csrf.admits(request.method(), request.headers())) {
            throw new GatewayError(403, "cross-origin request refused");
        }
        snapshot = fresh(snapshot);
        Caller caller = authenticate(match.registered().access(), request, snapshot, token);
        AdminCall call = new AdminCall(request, match.params(), caller, snapshot, ip);
        HttpResponse response;
        try {
            response = match.registered().endpoint().handle(call);
        } catch (GatewayError e) {
            response = ErrorResponses.of(e);
        }
        if (caller != null && (write || isReveal(request, path))) {
            audit.record(snapshot, caller.user(), null, request.method(), path, response.status(), ip);
        }
        return response;
    }

    /**
     * The admin surface reads its own writes and sees other containers' at once: one version read per request (a
     * GetItem; admin traffic is light) and a reload when it moved. So a console whose requests land on different
     * Lambda containers never lists stale rows, and a user disabled or demoted anywhere loses access on the next
     * request. A store error propagates (503): access decisions are not made on a config of unknown age.
     */
    private ConfigSnapshot fresh(ConfigSnapshot snapshot) {
        return store.version() == snapshot.version() ? snapshot : cache.reload();
    }

    private Caller authenticate(Access access, HttpRequest request, ConfigSnapshot snapshot, String token)
            throws GatewayError {
        if (access == Access.PUBLIC) {
            return null;
        }
        Optional<Caller> session = token == null ? Optional.empty() : sessions.resolve(token, snapshot);
        if (access == Access.SESSION) {
            return session.orElseThrow(GatewayError::unauthorized);
        }
        if (session.isPresent()) {
            if (!session.get().user().admin()) {
                throw new GatewayError(403, "forbidden");
            }
            return session.get();
        }
        KeyIdentity identity = Authenticator.authenticate(request, snapshot);
        if (!identity.user().admin()) {
            throw new GatewayError(403, "forbidden");
        }
        return new Caller(identity.user(), null);
    }

    /** Reads that hand out secrets are audited like writes. */
    private static boolean isReveal(HttpRequest request, String path) {
        return path.endsWith("/reveal") || path.endsWith("/secret")
                || (path.equals("/admin/export") && request.query().first("secrets").map("true"::equals).orElse(false));
    }
}
